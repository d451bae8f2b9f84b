import { newestFirst, type StoredNotification } from "./notification.js";

/**
 * What a user's head knows of one sealed segment: an immutable object of
 * older notifications, stored once under a unique key and never changed.
 * Everything here but `agedOut` is fixed when the segment is written, so two
 * siblings that reference one key agree on it; `agedOut` only grows.
 */
export interface SegmentRef {
  /** Unique: a KSUID issued when the segment was written. */
  readonly key: string;
  /** 0 for a segment sealed from the head, L + 1 for one compacted from segments of level L. */
  readonly level: number;
  /** Notifications the segment holds (none deleted from it since: it never changes). */
  readonly count: number;
  /** The greatest id in the segment. */
  readonly newestId: string;
  /** The least id in the segment. */
  readonly oldestId: string;
  /** The latest `createdAt` in the segment (ids and clocks of different instances may disagree). */
  readonly maxCreatedAt: number;
  /** The earliest `createdAt` in the segment. */
  readonly minCreatedAt: number;
  /** The oldest `agedOut` notifications of the segment (by id) have aged out (retention). */
  readonly agedOut: number;
  /** Keys of the segments this one was compacted from: references to them are superseded. */
  readonly replaces: readonly string[];
}

/** A segment's content with what must be known of it: its ref and its notifications, newest first. */
export interface Segment {
  readonly ref: SegmentRef;
  readonly notifications: readonly StoredNotification[];
}

/** Describes the segment that will hold `notifications` (newest first, not empty). */
export function describeSegment(
  key: string,
  level: number,
  notifications: readonly StoredNotification[],
  replaces: readonly string[] = [],
): SegmentRef {
  let maxCreatedAt = Number.NEGATIVE_INFINITY;
  let minCreatedAt = Number.POSITIVE_INFINITY;
  for (const n of notifications) {
    if (n.createdAt > maxCreatedAt) maxCreatedAt = n.createdAt;
    if (n.createdAt < minCreatedAt) minCreatedAt = n.createdAt;
  }
  return {
    key,
    level,
    count: notifications.length,
    newestId: notifications[0]?.id ?? "",
    oldestId: notifications.at(-1)?.id ?? "",
    maxCreatedAt,
    minCreatedAt,
    agedOut: 0,
    replaces,
  };
}

/** Orders refs newest first: by their newest id, then by key, so that every instance agrees. */
export function segmentsNewestFirst(a: SegmentRef, b: SegmentRef): number {
  return newestFirst({ id: a.newestId }, { id: b.newestId }) || (a.key < b.key ? -1 : 1);
}

/** True when `id` lies in the segment's id range (it may or may not be in the segment). */
export function inRange(ref: SegmentRef, id: string): boolean {
  return ref.oldestId <= id && id <= ref.newestId;
}

/** True when the id ranges of two segments meet: they may hold the same notifications. */
export function rangesMeet(a: SegmentRef, b: SegmentRef): boolean {
  return a.oldestId <= b.newestId && b.oldestId <= a.newestId;
}

/**
 * What is left of a segment's content once its oldest `agedOut` have aged
 * out. The content is immutable, so this is the same set on every instance.
 */
export function retainedContent(
  ref: SegmentRef,
  notifications: readonly StoredNotification[],
): readonly StoredNotification[] {
  if (ref.agedOut <= 0) return notifications;
  return notifications.slice(0, Math.max(0, notifications.length - ref.agedOut));
}
