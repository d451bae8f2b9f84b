import { isRepeatedCreate } from "./idempotency.js";
import { type InboxHead, isGone, pruneHead } from "./inbox-head.js";
import { addKeyEdit, type KeyPatch, mergeKeyDeletes } from "./key-changes.js";
import { newestFirst, type StoredNotification } from "./notification.js";

/**
 * One change to an inbox, as queued by callers and applied in one write of
 * the head. A `clear` (delete-all) carries a fresh id, `upTo`: the highest
 * its mark may be. An `add` whose notification carries an idempotency key
 * writes nothing when a copy in the head created at or after `since` (ms)
 * carries that key already (sealed copies are the caller's to look for).
 */
export type InboxChange =
  | {
      readonly kind: "add";
      readonly notification: StoredNotification;
      readonly since?: number;
    }
  | { readonly kind: "delete"; readonly ids: readonly string[] }
  | { readonly kind: "clear"; readonly upTo: string }
  /** Every copy with `key` and an id below `version` (the change's id) takes `patch`. */
  | {
      readonly kind: "updateByKey";
      readonly key: string;
      readonly patch: KeyPatch;
      readonly version: string;
    }
  /**
   * Every copy with `key` and an id at or below `upTo` is deleted; `ids`
   * (those the caller found, sealed ones included) get tombstones too, so
   * that a resuming stream is told of them.
   */
  | {
      readonly kind: "deleteByKey";
      readonly key: string;
      readonly upTo: string;
      readonly ids: readonly string[];
    };

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
  let { keyEdits, keyDeletes } = head;
  for (const change of changes) {
    if (change.kind === "add") {
      const { notification, since = -Infinity } = change;
      if (!isRepeatedCreate(byId.values(), notification, since)) {
        byId.set(notification.id, notification);
      }
    } else if (change.kind === "delete") for (const id of change.ids) deletedIds.add(id);
    else if (change.kind === "clear") {
      clearedUpTo = clear(head, [...byId.keys()], deletedIds, clearedUpTo, change.upTo);
    } else if (change.kind === "updateByKey") {
      keyEdits = addKeyEdit(keyEdits ?? new Map(), change.key, change.patch, change.version);
    } else {
      keyDeletes = mergeKeyDeletes([keyDeletes ?? new Map(), new Map([[change.key, change.upTo]])]);
      for (const id of change.ids) deletedIds.add(id);
      for (const n of byId.values()) {
        if (n.key === change.key && n.id <= change.upTo) deletedIds.add(n.id);
      }
    }
  }
  return pruneHead(
    {
      ...head,
      notifications: [...byId.values()],
      deletedIds,
      clearedUpTo,
      ...(keyEdits && { keyEdits }),
      ...(keyDeletes && { keyDeletes }),
    },
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
  for (const { notification, since = -Infinity } of changes) {
    if (ids.has(notification.id) || isGone(head, notification.id)) continue;
    // A repeated idempotent create (of the head, or of this batch) writes nothing.
    if (notification.idempotency) {
      const seen = [...head.notifications, ...added];
      if (isRepeatedCreate(seen, notification, since)) continue;
    }
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
