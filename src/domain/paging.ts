import type { InboxItem } from "./notification.js";

/** Where a page starts: below (or at) an id, or at the newest item. */
export interface PageStart {
  /** A notification id; undefined: the first page. */
  readonly fromId?: string;
  /** Whether the item `fromId` itself belongs to the page. */
  readonly inclusive: boolean;
}

/** Default and maximum number of top-level items per page (contract §3.2). */
export const pageSizes = Object.freeze({ default: 20, max: 1000 });

/** One page of top-level items and whether more follow. */
export interface Page {
  readonly items: InboxItem[];
  readonly hasMore: boolean;
}

/**
 * Takes one page of top-level items (a rollup counts as one). Pages are cut by
 * id comparison, not by finding `fromId`, so a deleted or unknown id still
 * pages correctly and nothing is skipped or repeated while the list stays put.
 *
 * @param inbox top-level items, newest first.
 */
export function takePage(inbox: readonly InboxItem[], start: PageStart, size: number): Page {
  const { fromId } = start;
  let first = 0;
  if (fromId !== undefined) {
    first = inbox.findIndex((item) => (start.inclusive ? item.id <= fromId : item.id < fromId));
    if (first < 0) first = inbox.length;
  }
  const items = inbox.slice(first, first + size);
  return { items, hasMore: first + size < inbox.length };
}
