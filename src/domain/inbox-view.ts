import { asShown, headFloor, type InboxHead } from "./inbox-head.js";
import { newestFirst, type StoredNotification } from "./notification.js";
import { retainedContent, type SegmentRef } from "./segment-ref.js";

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
   * Every notification read that is not gone, as it shows: the head's, then
   * the segments' (may repeat ids).
   */
  private *candidates(): Generator<StoredNotification> {
    for (const n of this.head.notifications) yield n;
    for (const ref of this.head.segments) {
      const content = this.contents.get(ref.key);
      if (content === undefined) continue;
      for (const n of retainedContent(ref, content)) {
        // Sealed copies take the head's changes by key as they are read.
        const shown = asShown(this.head, n);
        if (shown) yield shown;
      }
    }
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
