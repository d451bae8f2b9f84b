import { ForwardingStore } from "../src/storage/forwarding-store.js";
import type { BucketName, CallOptions, SiblingRead } from "../src/storage/key-value-store.js";

/** A {@link KeyValueStore} that counts what passes through it to another. */
export class CountingStore extends ForwardingStore {
  /** Bytes of every value written so far. */
  bytesPut = 0;
  puts = 0;
  /** Writes and bytes written so far, per bucket. */
  readonly putsTo = new Map<BucketName, { puts: number; bytes: number }>();
  /** Bytes of every sibling value read so far. */
  bytesRead = 0;
  gets = 0;

  override async get(bucket: BucketName, key: string, options?: CallOptions): Promise<SiblingRead> {
    const read = await this.inner.get(bucket, key, options);
    this.gets++;
    for (const value of read.values) this.bytesRead += value.byteLength;
    return read;
  }

  override put(
    bucket: BucketName,
    key: string,
    value: Uint8Array,
    context: Uint8Array | undefined,
    options?: CallOptions,
  ): Promise<void> {
    this.puts++;
    this.bytesPut += value.byteLength;
    const bucketPuts = this.putsTo.get(bucket) ?? { puts: 0, bytes: 0 };
    this.putsTo.set(bucket, {
      puts: bucketPuts.puts + 1,
      bytes: bucketPuts.bytes + value.byteLength,
    });
    return this.inner.put(bucket, key, value, context, options);
  }
}
