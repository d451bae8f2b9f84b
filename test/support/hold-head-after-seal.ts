// Preloaded into a child service (`node --import`) by the kill -9 tests: once
// a segment has been stored, every later write of an inbox head waits
// forever, so the process can be killed between the two writes of a seal.
// It says so on stdout, with the segment's key, as a JSON log line.
import { EmbeddedStore } from "../../src/storage/embedded-store.js";
import type { BucketName, CallOptions } from "../../src/storage/key-value-store.js";
import { RiakKeyValueStore } from "../../src/storage/riak-store.js";

let sealed: string | undefined;

for (const store of [EmbeddedStore.prototype, RiakKeyValueStore.prototype]) {
  const put = store.put;
  store.put = async function (
    this: typeof store,
    bucket: BucketName,
    key: string,
    value: Uint8Array,
    context: Uint8Array | undefined,
    options?: CallOptions,
  ): Promise<void> {
    if (bucket === "notifications" && sealed !== undefined) {
      process.stdout.write(`${JSON.stringify({ msg: "test: holding the head write", sealed })}\n`);
      return new Promise<void>(() => {});
    }
    await put.call(this, bucket, key, value, context, options);
    if (bucket === "segments") sealed = key;
  };
}
