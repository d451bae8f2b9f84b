import type { InboxHead } from "../domain/inbox-head.js";
import { InboxView, type KnownNewest } from "../domain/inbox-view.js";
import type { StoredNotification } from "../domain/notification.js";
import type { NotificationList } from "../domain/notification-list.js";
import type { SegmentRef } from "../domain/segment-ref.js";
import type { CallOptions } from "./key-value-store.js";
import type { SegmentStore } from "./segment-store.js";

/** Notifications the first extension of a snapshot reads at least: a few pages' worth. */
const firstReach = 64;

// The whole inbox read from one head object is the same whenever that head is read again
// (segments never change, and the storage layer answers an unchanged head with the same
// object): it is kept beside it, so that repeated counts of an unchanged inbox reuse it.
const wholes = new WeakMap<InboxHead, Promise<NotificationList>>();

/**
 * A user's inbox as read once: the head, and the segments read on demand,
 * only those a question needs (a page: the newest; counts and filters: all),
 * several at once. Every answer comes from the same head, so they agree
 * with each other.
 */
export class StoredInbox {
  private readonly view: InboxView;
  // Whether a referenced segment was not stored: what was read is then not kept as the whole.
  private missing = false;

  constructor(
    private readonly username: string,
    head: InboxHead,
    retention: number,
    private readonly segments: SegmentStore,
    private readonly call: CallOptions = {},
  ) {
    this.view = new InboxView(head, retention);
  }

  /** The head as read (merged). */
  get head(): InboxHead {
    return this.view.head;
  }

  /** The newest notifications known in full so far (see {@link InboxView.known}). */
  known(): KnownNewest {
    return this.view.known();
  }

  /**
   * Reads the newest segments not read yet, together: at least as many
   * notifications as are known already (so that repeated extensions cost a
   * geometric series). Resolves false when every segment was read.
   */
  async extend(): Promise<boolean> {
    const pending = this.view.pending();
    if (pending.length === 0) return false;
    const reach = Math.max(firstReach, this.view.known().notifications.length);
    const batch: SegmentRef[] = [];
    let covered = 0;
    for (const ref of pending) {
      batch.push(ref);
      covered += ref.count - ref.agedOut;
      if (covered >= reach) break;
    }
    await this.load(batch);
    return true;
  }

  /**
   * Every shown notification, with the tombstones and the delete-all mark:
   * the whole inbox, every segment read (what counts and filters need).
   */
  all(): Promise<NotificationList> {
    const head = this.view.head;
    let whole = wholes.get(head);
    if (whole === undefined) {
      whole = this.load(this.view.pending()).then(() => {
        if (this.missing) wholes.delete(head);
        return {
          notifications: this.view.known().notifications,
          deletedIds: head.deletedIds,
          clearedUpTo: head.clearedUpTo,
        };
      });
      wholes.set(head, whole);
      // A failed read is not kept: the next one tries again.
      whole.catch(() => wholes.delete(head));
    }
    return whole;
  }

  /** The newest shown notification; undefined when none shows. */
  async newest(): Promise<StoredNotification | undefined> {
    for (;;) {
      const { notifications, rest } = this.view.known();
      if (notifications.length > 0 || rest === undefined) return notifications[0];
      await this.extend();
    }
  }

  private async load(refs: readonly SegmentRef[]): Promise<void> {
    if (refs.length === 0) return;
    const read = await this.segments.readMany(
      this.username,
      refs.map((ref) => ref.key),
      this.call,
    );
    for (const [key, content] of read) {
      if (content === null) this.missing = true;
      this.view.add(key, content);
    }
  }
}
