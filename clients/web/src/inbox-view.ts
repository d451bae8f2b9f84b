import { ReadFilter } from "../gen/notification/v1/notification_pb.js";
import type { InboxEntry } from "./inbox-entry.js";

/** What the panel shows: a tab (the inbox or the archive) and a category, or every one. */
export interface InboxView {
  readonly archived: boolean;
  /** Empty: every category. */
  readonly category: string;
}

/** A `NotificationFilter`'s fields, as requests take them and stream events carry them. */
export interface FilterFields {
  categories: string[];
  read: ReadFilter;
  archived: boolean;
  properties: Record<string, string>;
}

/** The inbox tab with every category: what the badge counts. */
export const inboxView: InboxView = Object.freeze({ archived: false, category: "" });

/** A key that tells views apart, for maps. */
export function viewKey(view: InboxView): string {
  return `${view.archived ? "archive" : "inbox"}/${view.category}`;
}

/**
 * The filter that lists or counts `view`; undefined for the unfiltered inbox,
 * whose first page is the one listing that moves the seen cursor.
 */
export function viewFilter(view: InboxView): FilterFields | undefined {
  if (!view.archived && view.category === "") return undefined;
  return {
    categories: view.category === "" ? [] : [view.category],
    read: ReadFilter.UNSPECIFIED,
    archived: view.archived,
    properties: {},
  };
}

/** True when `entry` would be listed in `view`. */
export function inView(view: InboxView, entry: InboxEntry): boolean {
  return (
    entry.archived === view.archived && (view.category === "" || entry.category === view.category)
  );
}

/**
 * True when `entry` matches a mark-all's filter (a stream's `read_all` or
 * `archived_all`), unset meaning the inbox view's every notification.
 */
export function matchesFilter(
  filter: Readonly<FilterFields> | undefined,
  entry: InboxEntry,
): boolean {
  if (filter === undefined) return !entry.archived;
  if (entry.archived !== filter.archived) return false;
  if (filter.categories.length > 0 && !filter.categories.includes(entry.category)) return false;
  if (filter.read === ReadFilter.UNREAD && entry.read) return false;
  if (filter.read === ReadFilter.READ && !entry.read) return false;
  return Object.entries(filter.properties).every(([key, value]) => entry.properties[key] === value);
}
