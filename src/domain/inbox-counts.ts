import type { InboxItem } from "./notification.js";

/** What a count answers (contract §7.4): top-level items, and how many are unseen, unread. */
export interface InboxCounts {
  /** Top-level items: a rollup counts as one. */
  readonly total: number;
  /** Items newer than the cursor (a group is unseen or seen as a whole). */
  readonly unseen: number;
  /** Items not read: a rollup is unread while any member is. */
  readonly unread: number;
}

/**
 * Counts an inbox as `buildInbox` returns it, which is what paging the list
 * with the same filter returns, page after page.
 */
export function countInbox(items: readonly InboxItem[]): InboxCounts {
  let unseen = 0;
  let unread = 0;
  for (const item of items) {
    if (item.unseen) unseen++;
    if (!item.read) unread++;
  }
  return { total: items.length, unseen, unread };
}
