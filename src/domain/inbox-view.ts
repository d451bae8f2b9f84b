import { headFloor, type InboxHead, isGone } from "./inbox-head.js";
import { newestFirst, type StoredNotification } from "./notification.js";
import { inRange, rangesMeet, retainedContent, type SegmentRef } from "./segment-ref.js";

/** What may still show beyond the notifications known so far, as far as the references tell. */
export interface Rest {
  /** No notification of the rest has a greater id. */
  readonly newestId: string;
  /** The earliest and latest `createdAt` in the rest. */
  readonly minCreatedAt: number;
  readonly maxCreatedAt: number;
}

/** The newest notifications of an inbox that are known in full, and what may follow them. */
export interface KnownNewest {
  /**
   * Shown notifications, newest first, each once, at most the retention:
   * every shown notification newer than the last of them is among them.
   */
  readonly notifications: readonly StoredNotification[];
  /** Undefined when nothing more shows: every segment was read, or the retention is reached. */
  readonly rest: Rest | undefined;
}

/**
 * A user's inbox as read: the head and the segments read so far (pure; the
 * storage layer reads segments when a question needs them). What shows is
 * the head's notifications and the segments' (less what aged out of each),
 * each id once, without what the head says is gone (tombstones, the
 * delete-all and retention marks), newest first, at most the retention.
 */
export class InboxView {
  private readonly contents = new Map<string, readonly StoredNotification[]>();

  /** @param retention notifications shown at most (contract §4.2). */
  constructor(
    readonly head: InboxHead,
    private readonly retention: number,
  ) {}

  /** Adds a segment's content, newest first; null for one storage does not hold (shows nothing). */
  add(key: string, notifications: readonly StoredNotification[] | null): void {
    this.contents.set(key, notifications ?? []);
  }

  /** Referenced segments not read yet that may show something, newest first. */
  pending(): SegmentRef[] {
    const floor = headFloor(this.head);
    return this.head.segments.filter((ref) => !this.contents.has(ref.key) && ref.newestId > floor);
  }

  /** The pending segments that may hold a shown notification newer than `id`. */
  pendingNewerThan(id: string): SegmentRef[] {
    return this.pending().filter((ref) => ref.newestId > id);
  }

  /** The newest notifications known in full with what has been read. */
  known(): KnownNewest {
    const pending = this.pending();
    const boundary = pending[0]?.newestId ?? "";
    const byId = new Map<string, StoredNotification>();
    let rest: { min: number; max: number } | undefined;
    for (const n of this.candidates()) {
      if (n.id <= boundary) {
        rest = widen(rest, n.createdAt, n.createdAt);
      } else if (!byId.has(n.id)) {
        byId.set(n.id, n);
      }
    }
    for (const ref of pending) rest = widen(rest, ref.minCreatedAt, ref.maxCreatedAt);
    const notifications = [...byId.values()].sort(newestFirst).slice(0, this.retention);
    if (rest === undefined || notifications.length >= this.retention) {
      return { notifications, rest: undefined };
    }
    return {
      notifications,
      rest: { newestId: boundary, minCreatedAt: rest.min, maxCreatedAt: rest.max },
    };
  }

  /**
   * How many shown notifications are newer than `cursor` (all, without a
   * cursor), or the segments to read first. A segment wholly newer than the
   * cursor counts by its reference when nothing else can touch its
   * notifications (no tombstone, mark, head notification or other segment in
   * its id range); others are read. Shown are the newest `retention`, and
   * unseen ones are newer than seen ones, so the count is capped by it.
   */
  countNewerThan(cursor: string | undefined): number | SegmentRef[] {
    const from = cursor ?? "";
    const floor = headFloor(this.head);
    const seen = new Set<string>();
    for (const n of this.candidates()) if (n.id > from) seen.add(n.id);
    let count = seen.size;
    const need: SegmentRef[] = [];
    for (const ref of this.pending()) {
      if (ref.newestId <= from || ref.newestId <= floor) continue;
      if (this.countable(ref, from, floor)) count += ref.count - ref.agedOut;
      else need.push(ref);
    }
    return need.length > 0 ? need : Math.min(count, this.retention);
  }

  /** Whether the notification `id` shows, or the segments to read first. */
  shows(id: string): boolean | SegmentRef[] {
    if (isGone(this.head, id)) return false;
    for (const n of this.candidates()) if (n.id === id) return true;
    const need = this.pending().filter((ref) => inRange(ref, id));
    return need.length > 0 ? need : false;
  }

  /** Every notification read that is not gone: the head's, then the segments' (may repeat ids). */
  private *candidates(): Generator<StoredNotification> {
    for (const n of this.head.notifications) yield n;
    for (const ref of this.head.segments) {
      const content = this.contents.get(ref.key);
      if (content === undefined) continue;
      for (const n of retainedContent(ref, content)) if (!isGone(this.head, n.id)) yield n;
    }
  }

  private countable(ref: SegmentRef, from: string, floor: string): boolean {
    if (ref.oldestId <= from || ref.oldestId <= floor) return false;
    for (const id of this.head.deletedIds) if (inRange(ref, id)) return false;
    for (const n of this.head.notifications) if (inRange(ref, n.id)) return false;
    return this.head.segments.every((other) => other === ref || !rangesMeet(ref, other));
  }
}

function widen(
  range: { min: number; max: number } | undefined,
  min: number,
  max: number,
): { min: number; max: number } {
  if (range === undefined) return { min, max };
  return { min: Math.min(range.min, min), max: Math.max(range.max, max) };
}
