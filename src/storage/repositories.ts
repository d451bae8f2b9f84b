import type { Cursor, CursorChange } from "../domain/cursor.js";
import { emptyState, type InboxState } from "../domain/inbox-state.js";
import { emptyList, type ListChange, type NotificationList } from "../domain/notification-list.js";
import type { RuleSet } from "../domain/rule.js";
import { activeRules, type RuleWrite } from "../domain/rule-set.js";
import type { StateChange } from "../domain/state-changes.js";
import type { CallOptions, KeyValueStore } from "./key-value-store.js";
import {
  cursorKey,
  cursorType,
  inboxStateType,
  notificationListType,
  ruleSetKey,
  ruleSetType,
} from "./record-types.js";
import {
  type RepairFailureListener,
  ResolvingStore,
  type SiblingObserver,
} from "./resolving-store.js";

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

/** Every record the service keeps, over one key-value store. */
export interface Repositories {
  /** The store underneath (for tests and for closing it). */
  readonly store: KeyValueStore;
  readonly lists: ListRepository;
  readonly cursors: CursorRepository;
  readonly states: StateRepository;
  readonly rules: RuleRepository;
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
}

/** Builds the repositories over a store. */
export function createRepositories(store: KeyValueStore, options: RepositoryOptions): Repositories {
  const { retention, observeSiblings, onRepairFailed } = options;
  const observers = { observeSiblings, onRepairFailed };
  const lists = new ResolvingStore(store, notificationListType(retention), observers);
  const cursors = new ResolvingStore(store, cursorType, observers);
  const states = new ResolvingStore(store, inboxStateType(retention), observers);
  const rules = new ResolvingStore(store, ruleSetType, observers);
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
    async idle() {
      await Promise.all([lists.idle(), cursors.idle(), states.idle(), rules.idle()]);
    },
  };
}
