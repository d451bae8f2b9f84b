import { type UpkeepOptions, upkeep } from "../../src/domain/head-upkeep.js";
import { createIdGenerator } from "../../src/domain/ids.js";
import { applyChanges, type InboxChange } from "../../src/domain/inbox-changes.js";
import { emptyHead, type InboxHead, mergeHeads } from "../../src/domain/inbox-head.js";
import { InboxView } from "../../src/domain/inbox-view.js";
import type { StoredNotification } from "../../src/domain/notification.js";

/**
 * Storage of segments in memory, shared by every simulated instance: what
 * the `segments` bucket holds. A head write goes as the service's does:
 * changes applied, the upkeep given every segment it asks for (null for one
 * deleted since), new segments stored, dropped ones deleted.
 */
export class SegmentShelf {
  readonly segments = new Map<string, readonly StoredNotification[]>();
  /** Every id a write ever deleted (tombstoned), including tombstones the bound dropped since. */
  readonly tombstonedEver = new Set<string>();
  private readonly newKey = createIdGenerator();

  /**
   * Writes `changes` over `head` as one batch; returns the head written, or
   * `head` unchanged when the write fails (a delete-all over a stale read).
   */
  write(head: InboxHead, changes: readonly InboxChange[], options: UpkeepOptions): InboxHead {
    const next = applyChanges(head, changes, options.retention);
    const contents = new Map<string, readonly StoredNotification[] | null>();
    for (let round = 0; round < 8; round++) {
      const plan = upkeep(head, next, changes, contents, options, this.newKey);
      if (plan.kind === "need") {
        for (const key of plan.keys) contents.set(key, this.segments.get(key) ?? null);
        continue;
      }
      if (plan.kind === "stale") return head;
      // The same changes with no bound on tombstones: every id they deleted.
      const unbounded = applyChanges(head, changes, Number.POSITIVE_INFINITY);
      for (const id of unbounded.deletedIds) this.tombstonedEver.add(id);
      for (const segment of plan.write) this.segments.set(segment.ref.key, segment.notifications);
      for (const key of plan.drop) this.segments.delete(key);
      return plan.head;
    }
    throw new Error("the upkeep kept asking for segments");
  }

  /** Writes each change as a batch of its own, from the empty head. */
  build(changes: readonly InboxChange[], options: UpkeepOptions, from = emptyHead): InboxHead {
    return changes.reduce((head, change) => this.write(head, [change], options), from);
  }

  /** The ids a reader of `head` is shown, newest first, every segment read. */
  shown(head: InboxHead, retention: number): string[] {
    const view = new InboxView(head, retention);
    for (const ref of head.segments) view.add(ref.key, this.segments.get(ref.key) ?? null);
    return view.known().notifications.map((n) => n.id);
  }

  /** The merge of siblings, as a reader resolves them. */
  merge(siblings: readonly InboxHead[], retention: number): InboxHead {
    return mergeHeads(siblings, retention);
  }
}
