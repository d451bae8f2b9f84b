import type { BucketName, CallOptions, KeyValueStore, SiblingRead } from "./key-value-store.js";

/**
 * A {@link KeyValueStore} that passes every call to another unchanged: the
 * base of decorators (metrics, counting, test gates), which override only the
 * calls they change.
 */
export class ForwardingStore implements KeyValueStore {
  /** @param inner the store every call goes to. */
  constructor(protected readonly inner: KeyValueStore) {}

  get(bucket: BucketName, key: string, options?: CallOptions): Promise<SiblingRead> {
    return this.inner.get(bucket, key, options);
  }

  put(
    bucket: BucketName,
    key: string,
    value: Uint8Array,
    context: Uint8Array | undefined,
    options?: CallOptions,
  ): Promise<void> {
    return this.inner.put(bucket, key, value, context, options);
  }

  delete(
    bucket: BucketName,
    key: string,
    context: Uint8Array | undefined,
    options?: CallOptions,
  ): Promise<void> {
    return this.inner.delete(bucket, key, context, options);
  }

  ping(options?: CallOptions): Promise<void> {
    return this.inner.ping(options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
