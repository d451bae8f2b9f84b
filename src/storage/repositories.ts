import type { Cursor } from "../domain/cursor.js";
import type { ListChange, NotificationList } from "../domain/notification-list.js";
import type { RuleEntries } from "../domain/rule-set.js";
import type { KeyValueStore } from "./key-value-store.js";
import {
  type CursorChange,
  cursorType,
  notificationListType,
  type RuleChange,
  ruleSetType,
} from "./record-types.js";
import { ResolvingStore, type SiblingObserver } from "./resolving-store.js";

/** Every record the service keeps, over one key-value store. */
export interface Repositories {
  readonly store: KeyValueStore;
  /** Key: username. */
  readonly lists: ResolvingStore<NotificationList, ListChange>;
  /** Key: `<username>-notifications`. */
  readonly cursors: ResolvingStore<Cursor, CursorChange>;
  /** Key: `rules`. */
  readonly rules: ResolvingStore<RuleEntries, RuleChange>;
}

/** Options of the repositories. */
export interface RepositoryOptions {
  /** Notifications kept per user (contract §4.2). Default 1000. */
  readonly retention?: number;
  /** Told the sibling count of every read. */
  readonly observeSiblings?: SiblingObserver;
}

/** The key of the one rule set object. */
export const ruleSetKey = "rules";

/** Builds the repositories over a store. */
export function createRepositories(
  store: KeyValueStore,
  options: RepositoryOptions = {},
): Repositories {
  const { retention = 1000, observeSiblings } = options;
  return {
    store,
    lists: new ResolvingStore(store, notificationListType(retention), observeSiblings),
    cursors: new ResolvingStore(store, cursorType, observeSiblings),
    rules: new ResolvingStore(store, ruleSetType, observeSiblings),
  };
}
