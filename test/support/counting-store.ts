import { ForwardingStore } from "../../src/storage/forwarding-store.js";
import type { BucketName, CallOptions, SiblingRead } from "../../src/storage/key-value-store.js";

/** Calls and bytes through a {@link CountingStore}, in all and by bucket. */
export interface StorageCounts {
  gets: number;
  puts: number;
  /** Bytes of every sibling value read. */
  bytesRead: number;
  /** Bytes of every value written. */
  bytesPut: number;
}

const zero = (): StorageCounts => ({ gets: 0, puts: 0, bytesRead: 0, bytesPut: 0 });

/**
 * A {@link KeyValueStore} that counts what passes through it to another (for
 * the bench's cost figures and the tests of what a call reads and writes).
 */
export class CountingStore extends ForwardingStore {
  /** Everything so far. */
  readonly total: StorageCounts = zero();
  /** Everything so far, by bucket. */
  readonly byBucket = new Map<BucketName, StorageCounts>();
  /** Every key of bucket `segments` written so far. */
  readonly segmentKeysPut = new Set<string>();

  /** The counts of one bucket (zero when untouched), as a copy. */
  of(bucket: BucketName): StorageCounts {
    return { ...(this.byBucket.get(bucket) ?? zero()) };
  }

  override async get(bucket: BucketName, key: string, options?: CallOptions): Promise<SiblingRead> {
    const read = await this.inner.get(bucket, key, options);
    const bytes = read.values.reduce((sum, value) => sum + value.byteLength, 0);
    this.count(bucket, { gets: 1, bytesRead: bytes });
    return read;
  }

  override put(
    bucket: BucketName,
    key: string,
    value: Uint8Array,
    context: Uint8Array | undefined,
    options?: CallOptions,
  ): Promise<void> {
    this.count(bucket, { puts: 1, bytesPut: value.byteLength });
    if (bucket === "segments") this.segmentKeysPut.add(key);
    return this.inner.put(bucket, key, value, context, options);
  }

  private count(bucket: BucketName, add: Partial<StorageCounts>): void {
    const counts = this.byBucket.get(bucket) ?? zero();
    this.byBucket.set(bucket, counts);
    for (const target of [counts, this.total]) {
      target.gets += add.gets ?? 0;
      target.puts += add.puts ?? 0;
      target.bytesRead += add.bytesRead ?? 0;
      target.bytesPut += add.bytesPut ?? 0;
    }
  }
}
