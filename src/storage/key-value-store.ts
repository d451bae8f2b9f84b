/**
 * The buckets of the storage layout (contract §5, §7.6, §9, §10,
 * docs/storage.md): one head per user in `notifications` and the user's
 * sealed segments in `segments`, one cursor per user in `cursors`, one rule
 * set in `rules`, one read and archived state per user in `states`; one
 * object per user in `preferences` and in `digests` (digest state and lease),
 * and the digest schedule index in `digest-schedule`; topic subscribers in
 * shards in `topics`, the index from a notification key to its users in
 * shards in `keys`, durable jobs and the set of active ones in `jobs`.
 */
export type BucketName =
  | "notifications"
  | "segments"
  | "cursors"
  | "rules"
  | "states"
  | "preferences"
  | "digests"
  | "digest-schedule"
  | "topics"
  | "keys"
  | "jobs";

/** Every bucket, for stores that prepare them at start-up. */
export const bucketNames: readonly BucketName[] = [
  "notifications",
  "segments",
  "cursors",
  "rules",
  "states",
  "preferences",
  "digests",
  "digest-schedule",
  "topics",
  "keys",
  "jobs",
];

/**
 * What a read finds. Shaped after Riak: concurrent writers leave siblings,
 * and the domain merges them; the store never picks a winner.
 */
export interface SiblingRead {
  /** One entry per sibling value; empty when the key is absent or deleted. */
  readonly values: readonly Uint8Array[];
  /**
   * The opaque causal context (a Riak vclock) to pass back unchanged to the
   * next write or delete of the key, so that the write supersedes exactly the
   * siblings read. Undefined when the key has never been written.
   */
  readonly context: Uint8Array | undefined;
}

/**
 * What a read is for, so that a replicated store can choose how many copies
 * must answer (the embedded store has one copy and reads it either way):
 * - `show`: a value to answer a caller with;
 * - `update`: a value a write will replace, so a key whose copies are out of
 *   reach must not read as absent;
 * - `complete`: a value the write must cover entirely (a delete-all), so
 *   every copy's answer is merged.
 */
export type ReadPurpose = "show" | "update" | "complete";

/** Per-call options. */
export interface CallOptions {
  /** Aborts the call; the promise then rejects. */
  readonly signal?: AbortSignal;
  /** What a `get` is for. Default `show`. */
  readonly purpose?: ReadPurpose;
}

/**
 * A causal key-value store of byte values: the one interface that both the
 * embedded store and the Riak cluster implement. It knows nothing of
 * notifications; merge rules live in the domain.
 */
export interface KeyValueStore {
  /** Reads every sibling of a key and its causal context. */
  get(bucket: BucketName, key: string, options?: CallOptions): Promise<SiblingRead>;
  /**
   * Writes a value that supersedes the siblings named by `context` (from a
   * prior `get`). Resolves only once the value is durable. A context older
   * than the stored one leaves a sibling beside the newer value.
   */
  put(
    bucket: BucketName,
    key: string,
    value: Uint8Array,
    context: Uint8Array | undefined,
    options?: CallOptions,
  ): Promise<void>;
  /** Deletes a key, superseding the siblings named by `context`. */
  delete(
    bucket: BucketName,
    key: string,
    context: Uint8Array | undefined,
    options?: CallOptions,
  ): Promise<void>;
  /** Resolves when the store can serve requests; rejects otherwise. */
  ping(options?: CallOptions): Promise<void>;
  /** Releases files, sockets and timers. */
  close(): Promise<void>;
}
