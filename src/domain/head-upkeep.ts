import type { InboxChange } from "./inbox-changes.js";
import { type InboxHead, isGone, pruneHead } from "./inbox-head.js";
import { newestFirst, type StoredNotification } from "./notification.js";
import { ageOut } from "./retention.js";
import {
  describeSegment,
  inRange,
  retainedContent,
  type Segment,
  type SegmentRef,
  segmentsNewestFirst,
} from "./segment-ref.js";

/** How a head is kept small (`storage.head_limit`, `storage.retention`). */
export interface UpkeepOptions {
  /** Notifications kept per user. */
  readonly retention: number;
  /** A head holding more unsealed notifications than this seals its oldest, keeping half. */
  readonly headLimit: number;
}

/**
 * Segment contents an upkeep has been given, by key: the notifications
 * (newest first), or null for a referenced segment that storage does not
 * hold (deleted after a compaction or aging that a stale sibling had not
 * seen yet).
 */
export type SegmentContents = ReadonlyMap<string, readonly StoredNotification[] | null>;

/** What an upkeep decided: segments to read first, the writes to make, or that its read is stale. */
export type UpkeepResult =
  | {
      readonly kind: "need";
      /** Keys of referenced segments whose content the upkeep needs. */
      readonly keys: readonly string[];
    }
  | {
      /**
       * A delete-all must tombstone what a segment holds above its mark, and
       * storage no longer holds that segment: another instance replaced it
       * after this head was read. The write must start again from a new read.
       */
      readonly kind: "stale";
      readonly keys: readonly string[];
    }
  | {
      readonly kind: "ready";
      /** The head to write, once `write` is stored. */
      readonly head: InboxHead;
      /** New segments the head references: store each before the head. */
      readonly write: readonly Segment[];
      /** Keys the head referenced before and no longer does: delete them after the head. */
      readonly drop: readonly string[];
    };

/** Segments compacted into one, of one level. */
const fanIn = 4;

/**
 * Keeps a head small after its changes were applied (docs/storage.md):
 * 1. a delete-all's mark may sit below a segment's newest id (clocks of
 *    instances disagree): what such segments hold above it gets a tombstone;
 * 2. notifications in the head within a segment's id range leave it: the
 *    segment holds them already (a sibling written before a seal, merged
 *    after it), or they join it (`settle`);
 * 3. beyond `headLimit`, the oldest notifications are sealed into a new
 *    segment under a fresh key, half the limit staying in the head;
 * 4. segments whose id ranges meet (concurrent seals, or a seal of ids from
 *    an instance whose clock is behind) are merged into disjoint ones;
 * 5. four segments of one level are compacted into one of the next level
 *    while it stays within half the retention, so that the head references
 *    a few segments whatever the inbox size;
 * 6. retention ages out whole segments, then part of the oldest
 *    (`ageOut`).
 * Pure: what it must read comes from `contents`, and it answers `need`
 * with the keys it lacks; the caller reads them and calls again.
 *
 * @param current the head as read (merged), before the changes.
 * @param next the head after the changes (`applyChanges`).
 * @param newKey issues a unique segment key (a KSUID).
 */
export function upkeep(
  current: InboxHead,
  next: InboxHead,
  changes: readonly InboxChange[],
  contents: SegmentContents,
  options: UpkeepOptions,
  newKey: () => string,
): UpkeepResult {
  const missing = new Set<string>();
  const content = (ref: SegmentRef) => {
    const found = contents.get(ref.key);
    if (found === undefined) missing.add(ref.key);
    return found ?? undefined;
  };
  let head = next;
  if (changes.some((change) => change.kind === "clear")) {
    const above = head.segments.filter((ref) => ref.newestId > head.clearedUpTo);
    const gone = above.filter((ref) => contents.get(ref.key) === null).map((ref) => ref.key);
    if (gone.length > 0) return { kind: "stale", keys: gone };
    head = tombstonesAboveMark(head, content, options.retention);
  }
  const suspects = head.segments.filter((ref) =>
    head.notifications.some((n) => inRange(ref, n.id)),
  );
  const suspectParts = suspects.map(content);
  if (missing.size > 0) return { kind: "need", keys: [...missing] };

  const written = new Map<string, Segment>();
  head = settle(head, suspects, suspectParts, options, newKey, written);
  head = seal(head, options, newKey, written);
  // A segment storage does not hold (a stale sibling's reference) is left out of merges.
  const absent = (ref: SegmentRef) => contents.get(ref.key) === null;
  const read = (ref: SegmentRef) => written.get(ref.key)?.notifications ?? content(ref) ?? [];
  const overlapping = overlaps(head, absent);
  const parts = overlapping.map((group) => group.map(read));
  if (missing.size > 0) return { kind: "need", keys: [...missing] };
  overlapping.forEach((group, i) => {
    head = mergeSegments(head, group, parts[i] ?? [], options, newKey, written);
  });
  for (let level = 0; ; level++) {
    const group = compactable(head, level, options, absent);
    if (group === undefined) break;
    if (group.length === 0) continue;
    const groupParts = group.map(read);
    if (missing.size > 0) return { kind: "need", keys: [...missing] };
    head = mergeSegments(head, group, groupParts, options, newKey, written, level + 1);
  }
  head = pruneHead(ageOut(head, options.retention), options.retention);

  const kept = new Set(head.segments.map((ref) => ref.key));
  return {
    kind: "ready",
    head,
    write: [...written.values()].filter((segment) => kept.has(segment.ref.key)),
    drop: current.segments.map((ref) => ref.key).filter((key) => !kept.has(key)),
  };
}

/** Step 1: tombstones for what segments hold above the delete-all mark. */
function tombstonesAboveMark(
  head: InboxHead,
  content: (ref: SegmentRef) => readonly StoredNotification[] | undefined,
  tombstoneLimit: number,
): InboxHead {
  const above = head.segments.filter((ref) => ref.newestId > head.clearedUpTo);
  if (above.length === 0) return head;
  const deletedIds = new Set(head.deletedIds);
  for (const ref of above) {
    for (const n of content(ref) ?? []) if (n.id > head.clearedUpTo) deletedIds.add(n.id);
  }
  return pruneHead({ ...head, deletedIds }, tombstoneLimit);
}

/**
 * Step 2: head notifications in a segment's id range. Those the segment
 * holds already leave the head (a sibling written before a seal, merged
 * after it). The others (ids of an instance whose clock is behind, created
 * after the seal) join it: the segment is rewritten with them under a new
 * key, so that segments and the head's notifications do not interleave and
 * age out in id order. A segment storage no longer holds is left alone.
 */
function settle(
  head: InboxHead,
  suspects: readonly SegmentRef[],
  parts: readonly (readonly StoredNotification[] | undefined)[],
  options: UpkeepOptions,
  newKey: () => string,
  written: Map<string, Segment>,
): InboxHead {
  let settled = head;
  suspects.forEach((ref, i) => {
    const part = parts[i];
    if (part === undefined) return;
    const inside = settled.notifications.filter((n) => inRange(ref, n.id));
    if (inside.length === 0) return;
    const sealed = new Set(part.map((n) => n.id));
    const joining = inside.filter((n) => !sealed.has(n.id));
    const leaving = new Set(inside.map((n) => n.id));
    settled = {
      ...settled,
      notifications: settled.notifications.filter((n) => !leaving.has(n.id)),
    };
    if (joining.length > 0) {
      // The joining notifications are not aged out: they count in full, the segment's own as before.
      const retained = retainedContent(ref, part);
      settled = mergeSegments(
        settled,
        [{ ...ref, agedOut: 0 }],
        [[...retained, ...joining].sort(newestFirst)],
        options,
        newKey,
        written,
      );
    }
  });
  return settled;
}

/** Step 3: the oldest notifications beyond the limit into new segments of at most half the retention. */
function seal(
  head: InboxHead,
  options: UpkeepOptions,
  newKey: () => string,
  written: Map<string, Segment>,
): InboxHead {
  if (head.notifications.length <= options.headLimit) return head;
  const keep = Math.max(1, Math.floor(options.headLimit / 2));
  const sealed = head.notifications.slice(keep);
  const largest = largestSegment(options);
  const refs: SegmentRef[] = [];
  // More than one segment only for a head that grew large elsewhere (a value of the
  // single-object layout, or a batch of many creates).
  for (let start = 0; start < sealed.length; start += largest) {
    const part = sealed.slice(start, start + largest);
    const ref = describeSegment(newKey(), levelOf(part.length, options), part);
    written.set(ref.key, { ref, notifications: part });
    refs.push(ref);
  }
  return {
    ...head,
    notifications: head.notifications.slice(0, keep),
    segments: [...head.segments, ...refs].sort(segmentsNewestFirst),
  };
}

/**
 * Step 5: the four newest segments of `level`, when they fit in one; empty
 * when there is no such group; undefined past the highest level compacted.
 */
function compactable(
  head: InboxHead,
  level: number,
  options: UpkeepOptions,
  absent: (ref: SegmentRef) => boolean,
): readonly SegmentRef[] | undefined {
  const largest = largestSegment(options);
  if (sealSize(options) * fanIn ** (level + 1) > largest) return undefined;
  const ofLevel = head.segments.filter((ref) => ref.level === level && !absent(ref));
  if (ofLevel.length < fanIn) return [];
  const group = ofLevel.slice(0, fanIn);
  const total = group.reduce((sum, ref) => sum + ref.count - ref.agedOut, 0);
  return total <= largest ? group : [];
}

/**
 * Step 4: segments whose id ranges meet, in groups to merge into disjoint
 * ones, so that duplicates do not count twice against the retention, counts
 * can trust the references again, and segments age out in id order.
 */
function overlaps(head: InboxHead, absent: (ref: SegmentRef) => boolean): SegmentRef[][] {
  const groups: SegmentRef[][] = [];
  let group: SegmentRef[] = [];
  let low = "";
  // Newest first: a segment meets the group when its newest id reaches the group's oldest.
  for (const ref of head.segments) {
    if (absent(ref)) continue;
    if (group.length > 0 && ref.newestId >= low) {
      group.push(ref);
      if (ref.oldestId < low) low = ref.oldestId;
      continue;
    }
    if (group.length > 1) groups.push(group);
    group = [ref];
    low = ref.oldestId;
  }
  if (group.length > 1) groups.push(group);
  return groups;
}

/**
 * Merges `group` into new segments that replace it: what its segments hold
 * (less what aged out of each), each id once, without what the head says is
 * gone, in segments of at most the largest size, of `level` (default: the
 * group's highest).
 */
function mergeSegments(
  head: InboxHead,
  group: readonly SegmentRef[],
  parts: readonly (readonly StoredNotification[])[],
  options: UpkeepOptions,
  newKey: () => string,
  written: Map<string, Segment>,
  level = Math.max(...group.map((ref) => ref.level)),
): InboxHead {
  const byId = new Map<string, StoredNotification>();
  group.forEach((ref, i) => {
    for (const n of retainedContent(ref, parts[i] ?? [])) {
      if (!isGone(head, n.id) && !byId.has(n.id)) byId.set(n.id, n);
    }
  });
  const members = new Set(group.map((ref) => ref.key));
  const segments = head.segments.filter((ref) => !members.has(ref.key));
  const merged = [...byId.values()].sort(newestFirst);
  const largest = largestSegment(options);
  const replaces = group.map((ref) => ref.key);
  for (let start = 0; start < merged.length; start += largest) {
    const part = merged.slice(start, start + largest);
    const ref = describeSegment(newKey(), level, part, replaces);
    written.set(ref.key, { ref, notifications: part });
    segments.push(ref);
  }
  return { ...head, segments: segments.sort(segmentsNewestFirst) };
}

/** The most notifications one segment holds: half the retention, but at least the head limit. */
function largestSegment(options: UpkeepOptions): number {
  return Math.max(options.headLimit, Math.floor(options.retention / 2));
}

/** How many notifications one seal makes: the head limit less the half it keeps. */
function sealSize(options: UpkeepOptions): number {
  return Math.max(1, options.headLimit - Math.floor(options.headLimit / 2));
}

/** The level a segment of `count` notifications would have reached by compaction. */
function levelOf(count: number, options: UpkeepOptions): number {
  let level = 0;
  while (count >= sealSize(options) * fanIn ** (level + 1)) level++;
  return level;
}
