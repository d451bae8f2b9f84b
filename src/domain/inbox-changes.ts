import { type InboxHead, isGone, pruneHead } from "./inbox-head.js";
import { newestFirst, type StoredNotification } from "./notification.js";

/**
 * One change to an inbox, as queued by callers and applied in one write of
 * the head. A `clear` (delete-all) carries a fresh id, `upTo`: the highest
 * its mark may be.
 */
export type InboxChange =
  | { readonly kind: "add"; readonly notification: StoredNotification }
  | { readonly kind: "delete"; readonly ids: readonly string[] }
  | { readonly kind: "clear"; readonly upTo: string };

/**
 * Applies queued changes to the head in order. Sealing, compaction and
 * retention are the upkeep's (`head-upkeep.ts`), which runs after this.
 *
 * @param tombstoneLimit tombstones kept above the marks (the retention).
 */
export function applyChanges(
  head: InboxHead,
  changes: readonly InboxChange[],
  tombstoneLimit: number,
): InboxHead {
  if (changes.every((change) => change.kind === "add")) return add(head, changes);
  const byId = new Map(head.notifications.map((n) => [n.id, n]));
  const deletedIds = new Set(head.deletedIds);
  let clearedUpTo = head.clearedUpTo;
  for (const change of changes) {
    if (change.kind === "add") byId.set(change.notification.id, change.notification);
    else if (change.kind === "delete") for (const id of change.ids) deletedIds.add(id);
    else clearedUpTo = clear(head, [...byId.keys()], deletedIds, clearedUpTo, change.upTo);
  }
  return pruneHead(
    { ...head, notifications: [...byId.values()], deletedIds, clearedUpTo },
    tombstoneLimit,
  );
}

/**
 * Creates alone (the common batch): the head as it was, normal already (a
 * merge's or a write's), with the new notifications that are not gone.
 */
function add(
  head: InboxHead,
  changes: readonly Extract<InboxChange, { kind: "add" }>[],
): InboxHead {
  const ids = new Set(head.notifications.map((n) => n.id));
  const added: StoredNotification[] = [];
  for (const { notification } of changes) {
    if (ids.has(notification.id) || isGone(head, notification.id)) continue;
    ids.add(notification.id);
    added.push(notification);
  }
  if (added.length === 0) return head;
  return { ...head, notifications: [...added, ...head.notifications].sort(newestFirst) };
}

/**
 * A delete-all removes what it read and spares what it did not. Ids of
 * different instances are ordered only as well as their clocks agree, so its
 * fresh id `upTo` as the mark would miss a notification created just before
 * it by an instance whose clock is ahead (a greater id) and swallow one
 * created just after it by an instance whose clock is behind (a smaller
 * one). The mark is therefore the newest id it knew of (in the head, deleted,
 * or the newest of a segment), but never above `upTo`; what the head holds
 * above the mark gets a tombstone, and so does what a segment holds above it
 * (the upkeep reads those segments: `tombstonesAboveMark`).
 * Returns the new mark and adds the tombstones to `deletedIds`.
 */
function clear(
  head: InboxHead,
  listed: readonly string[],
  deletedIds: Set<string>,
  clearedUpTo: string,
  upTo: string,
): string {
  let known = "";
  for (const id of listed) if (id > known) known = id;
  for (const id of deletedIds) if (id > known) known = id;
  for (const ref of head.segments) if (ref.newestId > known) known = ref.newestId;
  const mark = known < upTo ? known : upTo;
  for (const id of listed) if (id > mark) deletedIds.add(id);
  return mark > clearedUpTo ? mark : clearedUpTo;
}
