import type { Cursor, CursorChange } from "../domain/cursor.js";
import type { DigestChange, DigestState } from "../domain/digest-state.js";
import type { IdGenerator } from "../domain/ids.js";
import type { InboxChange } from "../domain/inbox-changes.js";
import { emptyHead, type InboxHead } from "../domain/inbox-head.js";
import { emptyState, type InboxState } from "../domain/inbox-state.js";
import type { PreferencesChange, UserPreferences } from "../domain/preferences.js";
import type { RuleSet } from "../domain/rule.js";
import { activeRules, type RuleWrite } from "../domain/rule-set.js";
import type { StateChange } from "../domain/state-changes.js";
import { JobStore } from "./job-store.js";
import type { CallOptions, KeyValueStore } from "./key-value-store.js";
import { MemberSets } from "./member-sets.js";
import {
  cursorKey,
  cursorType,
  digestStateType,
  inboxHeadType,
  inboxStateType,
  preferencesType,
  ruleSetKey,
  ruleSetType,
  scheduleSlotType,
  watermarkType,
} from "./record-types.js";
import {
  type AfterWriteFailureListener,
  type RepairFailureListener,
  ResolvingStore,
  type SiblingObserver,
} from "./resolving-store.js";
import { ScheduleIndex } from "./schedule-index.js";
import { type MissingSegmentListener, SegmentStore } from "./segment-store.js";
import { StoredInbox } from "./stored-inbox.js";

/**
 * Users' inboxes: a head per user and its sealed segments (docs/storage.md).
 * Each change is applied in a read-modify-write of the head alone that
 * merges what concurrent writers left, batched with the changes queued
 * meanwhile (group commit).
 */
export interface InboxRepository {
  /** The user's inbox as read now: the head merged, segments read as answers need them. */
  read(username: string, options?: CallOptions): Promise<StoredInbox>;
  /**
   * Applies a change to the user's inbox; resolves once a write carrying it is
   * acknowledged, with the head that write stored.
   */
  change(username: string, change: InboxChange): Promise<InboxHead>;
  /** Writes of heads made so far: far fewer than changes under load (for tests and metrics). */
  readonly batchCount: number;
}

/** Users' cursors (contract §4.3). */
export interface CursorRepository {
  /** The user's cursor; undefined when none (never listed, or deleted). */
  read(username: string, options?: CallOptions): Promise<Cursor | undefined>;
  /** Moves or removes the user's cursor; resolves once the write is acknowledged. */
  change(username: string, change: CursorChange): Promise<void>;
}

/**
 * Users' read and archived states (contract §7.6), each in its own record
 * beside the list: a mark is a small write that never contends with creates.
 */
export interface StateRepository {
  /** The user's state, merged; the empty state when nothing was stored. */
  read(username: string, options?: CallOptions): Promise<InboxState>;
  /** Applies a change; resolves once a write carrying it is acknowledged. */
  change(username: string, change: StateChange): Promise<void>;
}

/** The rollup rules, one per category. */
export interface RuleRepository {
  /** The rules in force by category (deleted ones left out), read from storage. */
  read(options?: CallOptions): Promise<RuleSet>;
  /** Writes or deletes one category's rule; resolves once the write is acknowledged. */
  change(write: RuleWrite): Promise<void>;
}

/** Users' preferences (contract §10). */
export interface PreferenceRepository {
  /** The user's preferences as stored; undefined when never set. */
  read(username: string, options?: CallOptions): Promise<UserPreferences | undefined>;
  /** Applies a change; resolves once a write carrying it is acknowledged. */
  change(username: string, change: PreferencesChange): Promise<void>;
}

/** Users' digest states and leases (contract §10). */
export interface DigestRepository {
  /**
   * The user's digest state, siblings merged; undefined when none. A
   * `complete` read merges every replica's answer (a lease's read-back).
   */
  read(username: string, options?: CallOptions): Promise<DigestState | undefined>;
  /** Applies a change; resolves once a write carrying it is acknowledged. */
  change(username: string, change: DigestChange): Promise<void>;
}

/** Every record the service keeps, over one key-value store. */
export interface Repositories {
  /** The store underneath (for tests and for closing it). */
  readonly store: KeyValueStore;
  readonly inboxes: InboxRepository;
  readonly cursors: CursorRepository;
  readonly states: StateRepository;
  readonly rules: RuleRepository;
  readonly preferences: PreferenceRepository;
  readonly digests: DigestRepository;
  /** Which users are due for a digest when. */
  readonly schedule: ScheduleIndex;
  /** Topics' subscribers (bucket `topics`), by topic. */
  readonly topics: MemberSets;
  /** The users who got a copy of a notification with a key (bucket `keys`), by key. */
  readonly keyIndex: MemberSets;
  /** Durable jobs and the set of active ones (bucket `jobs`). */
  readonly jobs: JobStore;
  /** Resolves when no write is queued or running in any repository. */
  idle(): Promise<void>;
}

/** Options of the repositories. */
export interface RepositoryOptions {
  /** Notifications kept per user (contract §4.2). */
  readonly retention: number;
  /** Unsealed notifications a head holds at most before it seals its oldest half. */
  readonly headLimit: number;
  /** Stored bytes of segments kept decoded in memory. */
  readonly segmentCacheBytes: number;
  /** Issues the unique keys of new segments. */
  readonly newId: IdGenerator;
  /** How long an idempotency key holds, in ms (contract §9.1). */
  readonly idempotencyWindowMs: number;
  /** Members one shard of a topic or of the key index takes before members go a level deeper. */
  readonly shardCapacity: number;
  /** Storage calls one member-set operation makes at once. */
  readonly concurrency: number;
  /** Told the sibling count of every read. Default: nobody. */
  readonly observeSiblings?: SiblingObserver;
  /** Told when a read repair fails (the reader is not). Default: nobody. */
  readonly onRepairFailed?: RepairFailureListener;
  /** Keys per hour of the digest schedule index. */
  readonly scheduleShards: number;
  /** Told when deleting segments a head no longer references fails (nobody waits for it). Default: nobody. */
  readonly onCleanupFailed?: AfterWriteFailureListener;
  /** Told when a head references a segment storage does not hold. Default: nobody. */
  readonly onSegmentMissing?: MissingSegmentListener;
}

/** Builds the repositories over a store. */
export function createRepositories(store: KeyValueStore, options: RepositoryOptions): Repositories {
  const { retention, observeSiblings, onRepairFailed } = options;
  const observers = {
    observeSiblings,
    onRepairFailed,
    onAfterWriteFailed: options.onCleanupFailed,
  };
  const segments = new SegmentStore(store, {
    cacheBytes: options.segmentCacheBytes,
    onMissing: options.onSegmentMissing,
  });
  const upkeep = {
    retention,
    headLimit: options.headLimit,
    idempotencyWindowMs: options.idempotencyWindowMs,
  };
  const heads = new ResolvingStore(
    store,
    inboxHeadType(upkeep, segments, options.newId),
    observers,
  );
  const setOptions = { shardCapacity: options.shardCapacity, concurrency: options.concurrency };
  const topics = new MemberSets(store, "topics", options.newId, setOptions, observers);
  const keyIndex = new MemberSets(store, "keys", options.newId, setOptions, observers);
  const jobs = new JobStore(store, observers);
  const cursors = new ResolvingStore(store, cursorType, observers);
  const states = new ResolvingStore(store, inboxStateType(retention), observers);
  const rules = new ResolvingStore(store, ruleSetType, observers);
  const preferences = new ResolvingStore(store, preferencesType, observers);
  const digests = new ResolvingStore(store, digestStateType, observers);
  const slots = new ResolvingStore(store, scheduleSlotType, observers);
  const watermark = new ResolvingStore(store, watermarkType, observers);
  return {
    store,
    inboxes: {
      async read(username, call) {
        const head = (await heads.read(username, call)) ?? emptyHead;
        return new StoredInbox(username, head, retention, segments, call);
      },
      change: async (username, change) => (await heads.change(username, change)) ?? emptyHead,
      get batchCount() {
        return heads.batchCount;
      },
    },
    cursors: {
      read: (username, call) => cursors.read(cursorKey(username), call),
      change: async (username, change) => {
        await cursors.change(cursorKey(username), change);
      },
    },
    states: {
      read: async (username, call) => (await states.read(username, call)) ?? emptyState,
      change: async (username, change) => {
        await states.change(username, change);
      },
    },
    rules: {
      read: async (call) => activeRules((await rules.read(ruleSetKey, call)) ?? new Map()),
      change: async (write) => {
        await rules.change(ruleSetKey, write);
      },
    },
    preferences: {
      read: (username, call) => preferences.read(username, call),
      change: async (username, change) => {
        await preferences.change(username, change);
      },
    },
    digests: {
      read: (username, call) => digests.read(username, call),
      change: async (username, change) => {
        await digests.change(username, change);
      },
    },
    schedule: new ScheduleIndex(slots, watermark, options.scheduleShards),
    topics,
    keyIndex,
    jobs,
    async idle() {
      await Promise.all(
        [
          heads,
          cursors,
          states,
          rules,
          preferences,
          digests,
          slots,
          watermark,
          topics,
          keyIndex,
          jobs,
        ].map((s) => s.idle()),
      );
    },
  };
}
