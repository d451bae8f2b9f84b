import type { RpbContent } from "../../../src/gen/riak/riak_kv_pb.js";
import type { BucketTypeConfig } from "./bucket-props.js";
import { BucketRegistry } from "./bucket-registry.js";
import {
  applyWrite,
  type CausalObject,
  isTombstoneOnly,
  type MergePolicy,
} from "./causal-object.js";
import { tombstoneContent } from "./content-stamp.js";
import { ReplicaLayouts } from "./replica-layouts.js";
import type { VersionVector } from "./version-vector.js";

/** Options of {@link KvBackend}. */
export interface KvBackendOptions {
  /** Bucket types besides `default`. */
  readonly bucketTypes: Readonly<Record<string, BucketTypeConfig>>;
  /** How long a key whose siblings are all tombstones stays readable with deletedvclock. */
  readonly tombstoneReapMs: number;
}

interface StoredObject {
  readonly object: CausalObject;
  /** Set while every sibling is a tombstone: when the key disappears. */
  readonly reapAt: number | undefined;
}

type Bucket = Map<string, StoredObject>;

/**
 * The in-memory store that every node of a test cluster shares, keyed by
 * (bucket type, bucket, key); names are latin1 strings of the wire bytes.
 * Tombstones are reaped lazily, on the next access after the reap window.
 */
export class KvBackend {
  /** Bucket types and per-bucket props. */
  readonly buckets: BucketRegistry;
  /** The vnodes that reads of a key meet: n_val primaries holding it, unless a test says otherwise. */
  readonly replicas = new ReplicaLayouts();
  private readonly reapMs: number;
  private readonly types = new Map<string, Map<string, Bucket>>();

  constructor(options: KvBackendOptions) {
    this.buckets = new BucketRegistry(options.bucketTypes);
    this.reapMs = options.tombstoneReapMs;
  }

  /** The stored object, tombstones included, or undefined when absent or reaped. */
  get(type: string, bucket: string, key: string): CausalObject | undefined {
    return this.live(type, bucket, key)?.object;
  }

  /** Stores a value written with the causal `context`, and returns the new object. */
  put(
    type: string,
    bucket: string,
    key: string,
    context: VersionVector,
    actor: string,
    policy: MergePolicy,
    content: RpbContent,
  ): CausalObject {
    const current = this.live(type, bucket, key)?.object;
    const object = applyWrite(current, context, actor, policy, content);
    const reapAt = isTombstoneOnly(object) ? Date.now() + this.reapMs : undefined;
    this.bucketOf(type, bucket, true).set(key, { object, reapAt });
    return object;
  }

  /**
   * Writes a tombstone with the given context; without one, with the stored
   * clock, as Riak does when a delete carries no vclock. A missing key stays missing.
   */
  delete(
    type: string,
    bucket: string,
    key: string,
    context: VersionVector | undefined,
    actor: string,
    policy: MergePolicy,
  ): void {
    const current = this.get(type, bucket, key);
    if (current === undefined) return;
    this.put(type, bucket, key, context ?? current.clock, actor, policy, tombstoneContent());
  }

  /** Keys of a bucket that hold an object (tombstones until reaped, as Riak lists them). */
  listKeys(type: string, bucket: string): string[] {
    const found = this.bucketOf(type, bucket, false);
    if (found === undefined) return [];
    return [...found.keys()].filter((key) => this.live(type, bucket, key) !== undefined);
  }

  /** Buckets of a type that hold at least one key. */
  listBuckets(type: string): string[] {
    const buckets = this.types.get(type);
    if (buckets === undefined) return [];
    return [...buckets.keys()].filter((bucket) => this.listKeys(type, bucket).length > 0);
  }

  private live(type: string, bucket: string, key: string): StoredObject | undefined {
    const found = this.bucketOf(type, bucket, false);
    const stored = found?.get(key);
    if (stored?.reapAt !== undefined && stored.reapAt <= Date.now()) {
      found?.delete(key);
      return undefined;
    }
    return stored;
  }

  private bucketOf(type: string, bucket: string, create: true): Bucket;
  private bucketOf(type: string, bucket: string, create: false): Bucket | undefined;
  private bucketOf(type: string, bucket: string, create: boolean): Bucket | undefined {
    let buckets = this.types.get(type);
    if (buckets === undefined) {
      if (!create) return undefined;
      buckets = new Map();
      this.types.set(type, buckets);
    }
    let found = buckets.get(bucket);
    if (found === undefined && create) {
      found = new Map();
      buckets.set(bucket, found);
    }
    return found;
  }
}
