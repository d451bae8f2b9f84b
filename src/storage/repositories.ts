import type { Cursor, CursorChange } from "../domain/cursor.js";
import type { DigestChange, DigestState } from "../domain/digest-state.js";
import { emptyState, type InboxState } from "../domain/inbox-state.js";
import { emptyList, type ListChange, type NotificationList } from "../domain/notification-list.js";
import type { PreferencesChange, UserPreferences } from "../domain/preferences.js";
import type { RuleSet } from "../domain/rule.js";
import { activeRules, type RuleWrite } from "../domain/rule-set.js";
import type { StateChange } from "../domain/state-changes.js";
import type { CallOptions, KeyValueStore } from "./key-value-store.js";
import {
  cursorKey,
  cursorType,
  digestStateType,
  inboxStateType,
  notificationListType,
  preferencesType,
  ruleSetKey,
  ruleSetType,
  scheduleSlotType,
  watermarkType,
} from "./record-types.js";
import {
  type RepairFailureListener,
  ResolvingStore,
  type SiblingObserver,
} from "./resolving-store.js";
import { ScheduleIndex } from "./schedule-index.js";

/**
 * Users' notification lists. Each change is applied in a read-modify-write
 * that merges what concurrent writers left, batched with the changes queued
 * meanwhile (group commit).
 */
export interface ListRepository {
  /** The user's list, merged; the empty list when nothing was stored. */
  read(username: string, options?: CallOptions): Promise<NotificationList>;
  /** Applies a change to the user's list; resolves once a write carrying it is acknowledged. */
  change(username: string, change: ListChange): Promise<void>;
  /** Writes made so far: far fewer than changes under load (for tests and metrics). */
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
  readonly lists: ListRepository;
  readonly cursors: CursorRepository;
  readonly states: StateRepository;
  readonly rules: RuleRepository;
  readonly preferences: PreferenceRepository;
  readonly digests: DigestRepository;
  /** Which users are due for a digest when. */
  readonly schedule: ScheduleIndex;
  /** Resolves when no write is queued or running in any repository. */
  idle(): Promise<void>;
}

/** Options of the repositories. */
export interface RepositoryOptions {
  /** Notifications kept per user (contract §4.2). */
  readonly retention: number;
  /** Told the sibling count of every read. Default: nobody. */
  readonly observeSiblings?: SiblingObserver;
  /** Told when a read repair fails (the reader is not). Default: nobody. */
  readonly onRepairFailed?: RepairFailureListener;
  /** Keys per hour of the digest schedule index. */
  readonly scheduleShards: number;
}

/** Builds the repositories over a store. */
export function createRepositories(store: KeyValueStore, options: RepositoryOptions): Repositories {
  const { retention, observeSiblings, onRepairFailed } = options;
  const observers = { observeSiblings, onRepairFailed };
  const lists = new ResolvingStore(store, notificationListType(retention), observers);
  const cursors = new ResolvingStore(store, cursorType, observers);
  const states = new ResolvingStore(store, inboxStateType(retention), observers);
  const rules = new ResolvingStore(store, ruleSetType, observers);
  const preferences = new ResolvingStore(store, preferencesType, observers);
  const digests = new ResolvingStore(store, digestStateType, observers);
  const slots = new ResolvingStore(store, scheduleSlotType, observers);
  const watermark = new ResolvingStore(store, watermarkType, observers);
  return {
    store,
    lists: {
      read: async (username, call) => (await lists.read(username, call)) ?? emptyList,
      change: (username, change) => lists.change(username, change),
      get batchCount() {
        return lists.batchCount;
      },
    },
    cursors: {
      read: (username, call) => cursors.read(cursorKey(username), call),
      change: (username, change) => cursors.change(cursorKey(username), change),
    },
    states: {
      read: async (username, call) => (await states.read(username, call)) ?? emptyState,
      change: (username, change) => states.change(username, change),
    },
    rules: {
      read: async (call) => activeRules((await rules.read(ruleSetKey, call)) ?? new Map()),
      change: (write) => rules.change(ruleSetKey, write),
    },
    preferences: {
      read: (username, call) => preferences.read(username, call),
      change: (username, change) => preferences.change(username, change),
    },
    digests: {
      read: (username, call) => digests.read(username, call),
      change: (username, change) => digests.change(username, change),
    },
    schedule: new ScheduleIndex(slots, watermark, options.scheduleShards),
    async idle() {
      await Promise.all(
        [lists, cursors, states, rules, preferences, digests, slots, watermark].map((s) =>
          s.idle(),
        ),
      );
    },
  };
}
