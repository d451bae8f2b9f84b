import { LRUCache } from "lru-cache";
import { newestFirst, type StoredNotification } from "../domain/notification.js";
import type { Segment } from "../domain/segment-ref.js";
import type { CallOptions, KeyValueStore, ReadPurpose } from "./key-value-store.js";
import { decodeSegment, encodeSegment } from "./segment-codec.js";

/** Told that a referenced segment was not in storage (see {@link SegmentStore.read}). */
export type MissingSegmentListener = (username: string, key: string) => void;

/** Options of a {@link SegmentStore}. */
export interface SegmentStoreOptions {
  /** Stored bytes of segments kept decoded in memory (`storage.segment_cache_bytes`). */
  readonly cacheBytes: number;
  /** Default: nobody. */
  readonly onMissing?: MissingSegmentListener | undefined;
}

interface Cached {
  readonly notifications: readonly StoredNotification[];
  readonly bytes: number;
}

/**
 * Users' sealed segments in bucket `segments`, key `<username>/<segment key>`.
 * A segment is written once under a key never used before and never
 * changed, so what was read or written is kept decoded by key with no
 * invalidation (lru-cache, bounded by stored bytes), and any copy storage
 * answers with is the segment.
 */
export class SegmentStore {
  private readonly cache: LRUCache<string, Cached>;
  private readonly onMissing: MissingSegmentListener;

  constructor(
    private readonly store: KeyValueStore,
    options: SegmentStoreOptions,
  ) {
    this.cache = new LRUCache({
      maxSize: options.cacheBytes,
      // lru-cache wants a positive size.
      sizeCalculation: (entry) => Math.max(1, entry.bytes),
    });
    this.onMissing = options.onMissing ?? (() => {});
  }

  /** The storage key of a user's segment. Usernames hold no `/`, so it is unambiguous. */
  static storageKey(username: string, key: string): string {
    return `${username}/${key}`;
  }

  /**
   * A segment's notifications, newest first; null when storage does not hold
   * it: a stale sibling's reference to a segment deleted since (its content
   * is in the segment that replaced it, or gone), which the caller skips.
   * Reads wait for a primary replica (the `update` purpose at least): a
   * fallback that never had the key must not answer for it.
   */
  async read(
    username: string,
    key: string,
    options: CallOptions = {},
  ): Promise<readonly StoredNotification[] | null> {
    const storageKey = SegmentStore.storageKey(username, key);
    const cached = this.cache.get(storageKey);
    if (cached) return cached.notifications;
    const purpose: ReadPurpose = options.purpose === "complete" ? "complete" : "update";
    const { values } = await this.store.get("segments", storageKey, { ...options, purpose });
    if (values.length === 0) {
      this.onMissing(username, key);
      return null;
    }
    // Siblings of a segment can only be copies of it (a put retried on another node).
    const [first, ...copies] = values.map(decodeSegment);
    const notifications = first ?? [];
    for (const copy of copies) {
      const ids = new Set(notifications.map((n) => n.id));
      for (const n of copy) if (!ids.has(n.id)) notifications.push(n);
    }
    notifications.sort(newestFirst);
    const bytes = values.reduce((most, value) => Math.max(most, value.byteLength), 0);
    this.cache.set(storageKey, { notifications, bytes });
    return notifications;
  }

  /** Reads several segments of a user at once, by key. */
  async readMany(
    username: string,
    keys: readonly string[],
    options: CallOptions = {},
  ): Promise<Map<string, readonly StoredNotification[] | null>> {
    const read = await Promise.all(keys.map((key) => this.read(username, key, options)));
    return new Map(keys.map((key, i) => [key, read[i] ?? null]));
  }

  /** Stores a new segment; resolves once it is durable. */
  async write(username: string, segment: Segment): Promise<void> {
    const storageKey = SegmentStore.storageKey(username, segment.ref.key);
    const bytes = encodeSegment(segment.notifications);
    await this.store.put("segments", storageKey, bytes, undefined);
    this.cache.set(storageKey, { notifications: segment.notifications, bytes: bytes.byteLength });
  }

  /** Deletes segments no head references any more. */
  async remove(username: string, keys: readonly string[]): Promise<void> {
    await Promise.all(
      keys.map(async (key) => {
        const storageKey = SegmentStore.storageKey(username, key);
        this.cache.delete(storageKey);
        const { context } = await this.store.get("segments", storageKey, { purpose: "update" });
        if (context !== undefined) await this.store.delete("segments", storageKey, context);
      }),
    );
  }
}
