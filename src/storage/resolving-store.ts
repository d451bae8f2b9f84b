import { GroupCommitter } from "./group-commit.js";
import type { BucketName, CallOptions, KeyValueStore, ReadPurpose } from "./key-value-store.js";
import { RecentValues } from "./recent-values.js";

/** How one kind of record is stored, merged and changed. */
export interface RecordType<V, C> {
  readonly bucket: BucketName;
  /** Decodes one sibling; throws StorageCorruptionError on bytes it cannot read. */
  decode(bytes: Uint8Array): V;
  /** Encodes the resolved value to write back. */
  encode(key: string, value: V): Uint8Array;
  /**
   * Resolves siblings into one value; called with none for an absent key.
   * Merging the decoded encoding of a value that `apply` returned gives that
   * value back (merging is idempotent), so a value just written is used as
   * the resolution of the bytes written.
   */
  merge(siblings: readonly V[]): V | undefined;
  /**
   * Applies queued changes in order; undefined deletes the key. Returning
   * `current` itself says that nothing changed: nothing is written then
   * (unless the read found siblings, whose merge is written back).
   */
  apply(current: V | undefined, changes: readonly C[]): V | undefined;
  /**
   * What a write needs beyond `apply`, run between it and the put: storing
   * other keys the value will reference (before the value, so that it never
   * references what is not stored), and the value to write instead. Default:
   * none; the value `apply` returned is written.
   */
  prepare?(
    key: string,
    current: V | undefined,
    next: V,
    changes: readonly C[],
  ): Promise<PreparedWrite<V>>;
  /**
   * How thorough the read before a batch of changes must be: `complete` when
   * a change must cover every copy of the value (a delete-all). Default: `update`.
   */
  readPurpose?(changes: readonly C[]): Exclude<ReadPurpose, "show">;
}

/** The value a write stores, and what to do once it is stored. */
export interface PreparedWrite<V> {
  readonly value: V;
  /**
   * Runs once the value is stored, after the callers were answered (such as
   * deleting what the value no longer references); its failure is reported,
   * not thrown. Default: nothing.
   */
  readonly afterWrite?: () => Promise<void>;
}

/** Told how many siblings each read found (for metrics). */
export type SiblingObserver = (bucket: BucketName, siblings: number) => void;

/** Told that a read repair's write failed: nobody else is, since the read had answered. */
export type RepairFailureListener = (bucket: BucketName, error: unknown) => void;

/** Told that the work after a write (`PreparedWrite.afterWrite`) failed: nobody else is. */
export type AfterWriteFailureListener = (bucket: BucketName, error: unknown) => void;

/** What a {@link ResolvingStore} reports beyond its answers. */
export interface ResolvingStoreObservers {
  /** Default: nobody. */
  readonly observeSiblings?: SiblingObserver | undefined;
  /** Default: nobody. */
  readonly onRepairFailed?: RepairFailureListener | undefined;
  /** Default: nobody. */
  readonly onAfterWriteFailed?: AfterWriteFailureListener | undefined;
}

/**
 * Records of one type over a causal key-value store: reads resolve siblings
 * with the domain's merge; changes go through a group committer, one
 * read-modify-write per batch, written with the causal context of the read so
 * the resolved value supersedes exactly the siblings it merged. A read that
 * finds siblings writes the resolved value back.
 */
export class ResolvingStore<V, C> {
  private readonly writer: GroupCommitter<C | undefined, V | undefined>;
  // A key holding the one sibling this instance wrote or read last resolves without decoding.
  private readonly recent = new RecentValues<V>();

  private readonly observeSiblings: SiblingObserver;
  private readonly onRepairFailed: RepairFailureListener;
  private readonly onAfterWriteFailed: AfterWriteFailureListener;
  // Work after writes still running: idle() waits for it.
  private readonly afterWrites = new Set<Promise<void>>();

  constructor(
    private readonly store: KeyValueStore,
    private readonly type: RecordType<V, C>,
    observers: ResolvingStoreObservers = {},
  ) {
    this.writer = new GroupCommitter((key, changes) => this.commit(key, changes));
    this.observeSiblings = observers.observeSiblings ?? (() => {});
    this.onRepairFailed = observers.onRepairFailed ?? (() => {});
    this.onAfterWriteFailed = observers.onAfterWriteFailed ?? (() => {});
  }

  /** The resolved value of a key; undefined when absent. */
  async read(key: string, options?: CallOptions): Promise<V | undefined> {
    const { values } = await this.store.get(this.type.bucket, key, options);
    this.observeSiblings(this.type.bucket, values.length);
    const value = this.resolve(key, values);
    // Read repair: writing the merge back keeps siblings from piling up. Its
    // failure is not the reader's: the next write resolves them again.
    if (values.length > 1) {
      this.writer
        .submit(key, undefined)
        .catch((error: unknown) => this.onRepairFailed(this.type.bucket, error));
    }
    return value;
  }

  /**
   * Applies a change; resolves once a write carrying it is acknowledged, with
   * the value that write stored (undefined when it deleted the key), so that
   * a caller can tell what became of its change among the batch's.
   */
  change(key: string, change: C): Promise<V | undefined> {
    return this.writer.submit(key, change);
  }

  /** Batches written so far: far fewer than changes under load. */
  get batchCount(): number {
    return this.writer.batchCount;
  }

  /** Resolves when no write is queued or running, nor the work after one. */
  async idle(): Promise<void> {
    await this.writer.idle();
    while (this.afterWrites.size > 0) await Promise.all(this.afterWrites);
  }

  private async commit(key: string, queued: readonly (C | undefined)[]): Promise<V | undefined> {
    const changes = queued.filter((c): c is C => c !== undefined);
    // The write replaces what this read found, so the read must not take
    // copies that lack the key for its absence.
    const purpose = this.type.readPurpose?.(changes) ?? "update";
    const { values, context } = await this.store.get(this.type.bucket, key, { purpose });
    this.observeSiblings(this.type.bucket, values.length);
    const current = this.resolve(key, values);
    let next = this.type.apply(current, changes);
    // Nothing changed and one sibling stands: writing it again would only cost.
    if (next !== undefined && next === current && values.length === 1) return next;
    if (next === undefined) {
      this.recent.delete(key);
      if (context !== undefined) await this.store.delete(this.type.bucket, key, context);
      return undefined;
    }
    let afterWrite: (() => Promise<void>) | undefined;
    if (this.type.prepare) {
      ({ value: next, afterWrite } = await this.type.prepare(key, current, next, changes));
    }
    const bytes = this.type.encode(key, next);
    await this.store.put(this.type.bucket, key, bytes, context);
    this.recent.set(key, bytes, next);
    if (afterWrite) this.runAfterWrite(afterWrite);
    return next;
  }

  private runAfterWrite(work: () => Promise<void>): void {
    const running: Promise<void> = work()
      .catch((error: unknown) => this.onAfterWriteFailed(this.type.bucket, error))
      .finally(() => this.afterWrites.delete(running));
    this.afterWrites.add(running);
  }

  /** Decodes and merges the siblings read, unless they are the one sibling seen last. */
  private resolve(key: string, values: readonly Uint8Array[]): V | undefined {
    const only = values.length === 1 ? values[0] : undefined;
    const known = only && this.recent.get(key, only);
    if (known !== undefined) return known;
    const value = this.type.merge(values.map((v) => this.type.decode(v)));
    if (only && value !== undefined) this.recent.set(key, only, value);
    return value;
  }
}
