import { defaultIdempotencyWindowMs, idempotencyLosers } from "./idempotency.js";
import {
  applyKeyEdits,
  boundKeyMarks,
  editVersion,
  isDeletedByKey,
  type KeyDeletes,
  type KeyEdits,
  mergeKeyDeletes,
  mergeKeyEdits,
} from "./key-changes.js";
import { newestFirst, type StoredNotification } from "./notification.js";
import { type SegmentRef, segmentsNewestFirst } from "./segment-ref.js";

/**
 * The mutable part of a user's inbox (contract §5, docs/storage.md): the
 * newest notifications, not yet sealed; what makes merging siblings safe
 * (tombstones, the delete-all mark, the retention mark); and the index of
 * the immutable segments that hold the older notifications. One storage
 * object per user; a create rewrites this alone.
 *
 * Per-id state that later changes a sealed notification (read, archived, an
 * update by key) belongs here too, beside the tombstones: a map by id merged
 * by version, applied to segment contents when they are read, and dropped
 * with the marks like tombstones (docs/storage.md, "Extending the head").
 */
export interface InboxHead {
  /** The unsealed notifications: newest first, no duplicates, none deleted. */
  readonly notifications: readonly StoredNotification[];
  /** Tombstones: deleted ids, in the head or in a segment, that no sibling may bring back. */
  readonly deletedIds: ReadonlySet<string>;
  /** Everything with an id at or below this was deleted by a delete-all; "" when never. */
  readonly clearedUpTo: string;
  /** Everything with an id at or below this has aged out (retention); "" when nothing has. */
  readonly agedOutUpTo: string;
  /** The sealed segments, newest first. */
  readonly segments: readonly SegmentRef[];
  /**
   * Updates by key (`key-changes.ts`): applied to the head's notifications
   * here, and to segment contents as they are read. Absent: none.
   */
  readonly keyEdits?: KeyEdits;
  /** Deletes by key, likewise applied wherever a copy is stored. Absent: none. */
  readonly keyDeletes?: KeyDeletes;
}

/** The head of an inbox with nothing in it. */
export const emptyHead: InboxHead = Object.freeze({
  notifications: [],
  deletedIds: new Set<string>(),
  clearedUpTo: "",
  agedOutUpTo: "",
  segments: [],
});

/** The greater of the delete-all and retention marks: every id at or below it is gone. */
export function headFloor(head: Pick<InboxHead, "clearedUpTo" | "agedOutUpTo">): string {
  return head.clearedUpTo > head.agedOutUpTo ? head.clearedUpTo : head.agedOutUpTo;
}

/** True when the head says the notification `id` is gone: deleted, cleared or aged out. */
export function isGone(head: InboxHead, id: string): boolean {
  return id <= headFloor(head) || head.deletedIds.has(id);
}

/**
 * A stored notification as the head says it shows: undefined when gone (by
 * id, by a mark, or by a delete by its key), else with the updates by its
 * key applied. For segment contents, which never change once written.
 */
export function asShown(head: InboxHead, n: StoredNotification): StoredNotification | undefined {
  if (isGone(head, n.id)) return undefined;
  if (head.keyDeletes && isDeletedByKey(n, head.keyDeletes)) return undefined;
  return head.keyEdits ? applyKeyEdits(n, head.keyEdits) : n;
}

/**
 * Merges siblings: the union of notifications by id, of tombstones and of
 * segment references by key (the greatest `agedOut` of each), the greatest
 * of each mark; then whatever those say is gone is dropped, as are
 * references that a compacted segment in the union replaces. Commutative,
 * associative and idempotent (within the tombstone bound, see
 * {@link boundTombstones}), so any instance may resolve any siblings in any
 * order and reach the same head.
 *
 * Updates and deletes by key merge per field and key (the latest wins), and
 * copies with one idempotency key collapse to the least id (`idempotency.ts`).
 *
 * @param tombstoneLimit tombstones kept above the marks (the retention).
 * @param idempotencyWindowMs copies with one idempotency key created less
 *   than this apart are one create.
 */
export function mergeHeads(
  siblings: readonly InboxHead[],
  tombstoneLimit: number,
  idempotencyWindowMs = defaultIdempotencyWindowMs,
): InboxHead {
  const byId = new Map<string, StoredNotification>();
  const deletedIds = new Set<string>();
  const refs = new Map<string, SegmentRef>();
  let clearedUpTo = "";
  let agedOutUpTo = "";
  for (const sibling of siblings) {
    for (const n of sibling.notifications) if (!byId.has(n.id)) byId.set(n.id, n);
    for (const id of sibling.deletedIds) deletedIds.add(id);
    for (const ref of sibling.segments) {
      const known = refs.get(ref.key);
      if (!known || ref.agedOut > known.agedOut) refs.set(ref.key, ref);
    }
    if (sibling.clearedUpTo > clearedUpTo) clearedUpTo = sibling.clearedUpTo;
    if (sibling.agedOutUpTo > agedOutUpTo) agedOutUpTo = sibling.agedOutUpTo;
  }
  const candidates = [...byId.values()];
  // Of racing idempotent creates, every instance keeps the same copy; the others get tombstones.
  for (const id of idempotencyLosers(candidates, idempotencyWindowMs)) deletedIds.add(id);
  const keyEdits = mergeKeyEdits(siblings.map((s) => s.keyEdits ?? noMarks));
  const keyDeletes = mergeKeyDeletes(siblings.map((s) => s.keyDeletes ?? noMarks));
  return normalizeHead(
    {
      notifications: candidates,
      deletedIds,
      clearedUpTo,
      agedOutUpTo,
      segments: [...refs.values()],
      ...(keyEdits.size > 0 && { keyEdits }),
      ...(keyDeletes.size > 0 && { keyDeletes }),
    },
    tombstoneLimit,
  );
}

const noMarks = new Map<never, never>();

/**
 * The head in normal form: notifications newest first without what is gone,
 * references newest first without those a compaction replaced, tombstones
 * bounded. References the marks cover (every id of the segment is gone) are
 * kept: they show nothing, and what they replaced must stay replaced however
 * siblings are grouped; a write drops them (`pruneHead`).
 */
export function normalizeHead(head: InboxHead, tombstoneLimit: number): InboxHead {
  const floor = headFloor(head);
  const segments = absorbReplaced(head.segments);
  const replaced = new Set(segments.flatMap((ref) => ref.replaces));
  const { keyEdits, keyDeletes } = head;
  let notifications = head.notifications.filter(
    (n) =>
      n.id > floor && !head.deletedIds.has(n.id) && !(keyDeletes && isDeletedByKey(n, keyDeletes)),
  );
  if (keyEdits) notifications = notifications.map((n) => applyKeyEdits(n, keyEdits));
  return {
    notifications: notifications.sort(newestFirst),
    deletedIds: boundTombstones(head.deletedIds, floor, tombstoneLimit),
    clearedUpTo: head.clearedUpTo,
    agedOutUpTo: head.agedOutUpTo,
    segments: segments.filter((ref) => !replaced.has(ref.key)).sort(segmentsNewestFirst),
    // One mark per key a user's copies may carry: bounded like the tombstones.
    ...(keyEdits && { keyEdits: boundKeyMarks(keyEdits, tombstoneLimit, editVersion) }),
    ...(keyDeletes && {
      keyDeletes: boundKeyMarks(keyDeletes, tombstoneLimit, (upTo) => upTo),
    }),
  };
}

/**
 * {@link normalizeHead}, and without the references the marks cover: the
 * form a write stores (their segments are deleted after it).
 */
export function pruneHead(head: InboxHead, tombstoneLimit: number): InboxHead {
  const normal = normalizeHead(head, tombstoneLimit);
  const floor = headFloor(normal);
  return { ...normal, segments: normal.segments.filter((ref) => ref.newestId > floor) };
}

/**
 * A compacted segment lists the keys it replaced directly. When a stale
 * sibling brings back a reference that a later compaction replaced in turn
 * (X replaced by Y, Y by Z, and Y present beside Z), Z takes over what Y
 * replaced, so that X is dropped however the siblings are grouped: merging
 * stays associative though no head keeps a segment's whole ancestry. Only
 * stale siblings make a head hold both Y and Z, so lists grow only then.
 */
function absorbReplaced(segments: readonly SegmentRef[]): readonly SegmentRef[] {
  const byKey = new Map(segments.map((ref) => [ref.key, ref]));
  if (!segments.some((ref) => ref.replaces.some((key) => byKey.has(key)))) return segments;
  const replaces = new Map(segments.map((ref) => [ref.key, new Set(ref.replaces)]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const [, keys] of replaces) {
      for (const key of [...keys]) {
        for (const inherited of replaces.get(key) ?? []) {
          if (!keys.has(inherited)) {
            keys.add(inherited);
            changed = true;
          }
        }
      }
    }
  }
  return segments.map((ref) => {
    const keys = replaces.get(ref.key) ?? new Set();
    return keys.size === ref.replaces.length ? ref : { ...ref, replaces: [...keys].sort() };
  });
}

/**
 * Keeps the tombstones that can still matter. One at or below the marks is
 * covered by them. Beyond that, the newest `limit` are kept, so that the head
 * stays bounded; an older tombstone could only matter against a sibling that
 * stale (docs/riak.md, "Tombstones are bounded").
 */
export function boundTombstones(
  deletedIds: ReadonlySet<string>,
  floor: string,
  limit: number,
): Set<string> {
  const kept = [...deletedIds].filter((id) => id > floor);
  if (kept.length <= limit) return new Set(kept);
  return new Set(kept.sort().slice(-limit));
}
