import { headFloor, type InboxHead } from "./inbox-head.js";
import { inRange, type SegmentRef, segmentsNewestFirst } from "./segment-ref.js";

/**
 * How many of a segment's notifications are still shown, as far as the head
 * can tell without reading it: its count less what has aged out and less
 * the tombstones in its id range. Exact while segments do not overlap and
 * tombstones name notifications that exist; otherwise an estimate.
 */
export function shownEstimate(ref: SegmentRef, deletedIds: ReadonlySet<string>): number {
  let deleted = 0;
  for (const id of deletedIds) if (inRange(ref, id)) deleted++;
  return Math.max(0, ref.count - ref.agedOut - deleted);
}

/** What ages out as one: a segment (whole or in part), or one notification of the head. */
interface Block {
  readonly ref?: SegmentRef;
  readonly estimate: number;
  readonly oldest: string;
  readonly newest: string;
}

/**
 * Ages out the oldest notifications beyond `retention` (contract §4.2)
 * without reading a segment. Segments and the head's notifications age out
 * oldest first (a segment by its oldest id): whole segments and head
 * notifications, then as many of the oldest notifications of the next
 * segment as still exceed the retention (its `agedOut`). What aged out is
 * marked, not removed, so that a stale sibling that still holds it loses it
 * again at the next merge: the retention mark rises to the newest id below
 * everything kept; a segment whose range reaches past that (an id from an
 * instance whose clock was behind landed inside it) is kept with all of it
 * marked aged out, until the mark passes it.
 *
 * What the head counts is an estimate (`shownEstimate`) when segments
 * overlap, which only concurrent seals make until the next upkeep merges
 * them: the inbox may then keep fewer than `retention`; reads never show
 * more than it.
 */
export function ageOut(head: InboxHead, retention: number): InboxHead {
  const blocks: Block[] = [
    ...head.segments.map((ref) => ({
      ref,
      estimate: shownEstimate(ref, head.deletedIds),
      oldest: ref.oldestId,
      newest: ref.newestId,
    })),
    ...head.notifications.map((n) => ({ estimate: 1, oldest: n.id, newest: n.id })),
  ].sort((a, b) => (a.oldest < b.oldest ? 1 : a.oldest > b.oldest ? -1 : 0));
  let total = blocks.reduce((sum, block) => sum + block.estimate, 0);
  if (total <= retention) return head;
  const gone: Block[] = [];
  const refs = new Map(head.segments.map((ref) => [ref.key, ref]));
  while (total > retention && blocks.length > 0) {
    const oldest = blocks.at(-1) as Block;
    if (total - oldest.estimate >= retention || oldest.ref === undefined) {
      gone.push(oldest);
      blocks.pop();
      total -= oldest.estimate;
      continue;
    }
    // Part of the oldest segment stays: mark how many of its oldest are gone.
    const { ref } = oldest;
    refs.set(ref.key, { ...ref, agedOut: Math.min(ref.count, ref.agedOut + total - retention) });
    total = retention;
  }
  const lowestKept = blocks.reduce((low, block) => (block.oldest < low ? block.oldest : low), "~");
  let agedOutUpTo = head.agedOutUpTo;
  const removed = new Set<string>();
  for (const block of gone) {
    if (block.newest < lowestKept && block.newest > agedOutUpTo) agedOutUpTo = block.newest;
    if (block.ref === undefined) removed.add(block.newest);
    else if (block.newest >= lowestKept)
      refs.set(block.ref.key, { ...block.ref, agedOut: block.ref.count });
  }
  const floor = headFloor({ clearedUpTo: head.clearedUpTo, agedOutUpTo });
  return {
    ...head,
    notifications: head.notifications.filter((n) => n.id > floor && !removed.has(n.id)),
    agedOutUpTo,
    segments: [...refs.values()].filter((ref) => ref.newestId > floor).sort(segmentsNewestFirst),
  };
}
