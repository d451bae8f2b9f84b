import { newestFirst, type StoredNotification } from "./notification.js";

/**
 * A user's stored notifications with what makes merging safe: the ids
 * deleted one by one and the delete-all mark. This is what one storage
 * object holds (contract §5).
 */
export interface NotificationList {
  /** Newest first, no duplicates, none deleted, at most the retention limit. */
  readonly notifications: readonly StoredNotification[];
  /** Tombstones: deleted ids that a stale sibling must not bring back. */
  readonly deletedIds: ReadonlySet<string>;
  /** Everything with an id at or below this was deleted by a delete-all; "" when never. */
  readonly clearedUpTo: string;
}

/**
 * One change to a list, as queued by callers and applied in one write. A
 * `clear` (delete-all) carries a fresh id, `upTo`: the highest its mark may be.
 */
export type ListChange =
  | { readonly kind: "add"; readonly notification: StoredNotification }
  | { readonly kind: "delete"; readonly ids: readonly string[] }
  | { readonly kind: "clear"; readonly upTo: string };

/** The list with nothing in it. */
export const emptyList: NotificationList = Object.freeze({
  notifications: [],
  deletedIds: new Set<string>(),
  clearedUpTo: "",
});

/**
 * Merges siblings: the union of notifications by id, minus every tombstone
 * and the greatest delete-all mark of any sibling, newest `retention` kept.
 * Merging is commutative, associative and idempotent, so any instance may
 * resolve any set of siblings in any order and reach the same list.
 */
export function mergeLists(
  siblings: readonly NotificationList[],
  retention: number,
): NotificationList {
  const byId = new Map<string, StoredNotification>();
  const deletedIds = new Set<string>();
  let clearedUpTo = "";
  for (const sibling of siblings) {
    for (const n of sibling.notifications) if (!byId.has(n.id)) byId.set(n.id, n);
    for (const id of sibling.deletedIds) deletedIds.add(id);
    if (sibling.clearedUpTo > clearedUpTo) clearedUpTo = sibling.clearedUpTo;
  }
  return normalize([...byId.values()], deletedIds, clearedUpTo, retention);
}

/** Applies queued changes in order, then enforces retention and bounds the tombstones. */
export function applyChanges(
  list: NotificationList,
  changes: readonly ListChange[],
  retention: number,
): NotificationList {
  const byId = new Map(list.notifications.map((n) => [n.id, n]));
  const deletedIds = new Set(list.deletedIds);
  let clearedUpTo = list.clearedUpTo;
  for (const change of changes) {
    if (change.kind === "add") byId.set(change.notification.id, change.notification);
    else if (change.kind === "delete") for (const id of change.ids) deletedIds.add(id);
    else clearedUpTo = clear([...byId.keys()], deletedIds, clearedUpTo, change.upTo);
  }
  return normalize([...byId.values()], deletedIds, clearedUpTo, retention);
}

/**
 * A delete-all removes what it read and spares what it did not. Ids of
 * different instances are ordered only as well as their clocks agree, so its
 * fresh id `upTo` as the mark would miss a notification created just before
 * it by an instance whose clock is ahead (a greater id) and swallow one
 * created just after it by an instance whose clock is behind (a smaller
 * one). The mark is therefore the newest id it knew of, listed or deleted,
 * but never above `upTo`; what it read above the mark gets a tombstone.
 * Returns the new mark and adds the tombstones to `deletedIds`.
 */
function clear(
  listed: readonly string[],
  deletedIds: Set<string>,
  clearedUpTo: string,
  upTo: string,
): string {
  let known = "";
  for (const id of [...listed, ...deletedIds]) if (id > known) known = id;
  const mark = known < upTo ? known : upTo;
  for (const id of listed) if (id > mark) deletedIds.add(id);
  return mark > clearedUpTo ? mark : clearedUpTo;
}

function normalize(
  candidates: StoredNotification[],
  deletedIds: Set<string>,
  clearedUpTo: string,
  retention: number,
): NotificationList {
  const notifications = candidates
    .filter((n) => n.id > clearedUpTo && !deletedIds.has(n.id))
    .sort(newestFirst)
    .slice(0, retention);
  return {
    notifications,
    deletedIds: boundTombstones(deletedIds, clearedUpTo, retention),
    clearedUpTo,
  };
}

/**
 * Keeps the tombstones that can still matter. One at or below the delete-all
 * mark is covered by the mark. Beyond that, the newest `retention` are kept,
 * so the object stays bounded; an older tombstone could only matter against
 * a sibling that stale. A tombstone older than a full list's oldest
 * notification is kept too: a concurrent sibling's deletions can free room
 * in the merged list, and its id would come back into it.
 */
function boundTombstones(
  deletedIds: Set<string>,
  clearedUpTo: string,
  retention: number,
): Set<string> {
  const kept = [...deletedIds].filter((id) => id > clearedUpTo);
  if (kept.length <= retention) return new Set(kept);
  return new Set(kept.sort().slice(-retention));
}
