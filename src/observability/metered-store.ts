import { ForwardingStore } from "../storage/forwarding-store.js";
import type {
  BucketName,
  CallOptions,
  KeyValueStore,
  SiblingRead,
} from "../storage/key-value-store.js";
import type { Metrics } from "./metrics.js";

/**
 * A {@link KeyValueStore} that counts and times every call of the store it
 * wraps (`notification_storage_operations_total`,
 * `notification_storage_duration_seconds`) and otherwise passes it through.
 */
export class MeteredStore extends ForwardingStore {
  constructor(
    inner: KeyValueStore,
    private readonly metrics: Pick<Metrics, "storageOperations" | "storageDuration">,
  ) {
    super(inner);
  }

  override get(bucket: BucketName, key: string, options?: CallOptions): Promise<SiblingRead> {
    return this.measure("get", bucket, () => super.get(bucket, key, options));
  }

  override put(
    bucket: BucketName,
    key: string,
    value: Uint8Array,
    context: Uint8Array | undefined,
    options?: CallOptions,
  ): Promise<void> {
    return this.measure("put", bucket, () => super.put(bucket, key, value, context, options));
  }

  override delete(
    bucket: BucketName,
    key: string,
    context: Uint8Array | undefined,
    options?: CallOptions,
  ): Promise<void> {
    return this.measure("delete", bucket, () => super.delete(bucket, key, context, options));
  }

  override ping(options?: CallOptions): Promise<void> {
    return this.measure("ping", "", () => super.ping(options));
  }

  private async measure<T>(operation: string, bucket: string, call: () => Promise<T>): Promise<T> {
    const start = performance.now();
    let outcome = "error";
    try {
      const result = await call();
      outcome = "ok";
      return result;
    } finally {
      const labels = { operation, bucket, outcome };
      this.metrics.storageOperations.inc(labels);
      this.metrics.storageDuration.observe(labels, (performance.now() - start) / 1000);
    }
  }
}
