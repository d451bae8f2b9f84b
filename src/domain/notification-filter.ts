import { createHash } from "node:crypto";
import type { StoredNotification } from "./notification.js";

/** Which read state a filter selects (the API's `ReadFilter`). */
export type ReadSelection = "any" | "unread" | "read";

/**
 * Which notifications a list, a count or a mark-all covers (contract §7.3).
 * Normalized: categories sorted without duplicates, so equal filters are
 * equal values and have one fingerprint.
 */
export interface NotificationFilter {
  /** Any of these categories; empty: every category. */
  readonly categories: readonly string[];
  readonly read: ReadSelection;
  /** False: the inbox view; true: the archive view. */
  readonly archived: boolean;
  /** Every pair must match a notification's property exactly. */
  readonly properties: Readonly<Record<string, string>>;
}

/** A notification's two user-controlled states (contract §7.1). */
export interface NotificationState {
  readonly read: boolean;
  readonly archived: boolean;
}

/** The unfiltered inbox view: what a request without a filter lists and counts. */
export const inboxView: NotificationFilter = Object.freeze({
  categories: Object.freeze([]),
  read: "any",
  archived: false,
  properties: Object.freeze({}),
});

/** A filter with its categories sorted and deduplicated. */
export function normalizeFilter(filter: NotificationFilter): NotificationFilter {
  return {
    categories: [...new Set(filter.categories)].sort(),
    read: filter.read,
    archived: filter.archived,
    properties: Object.fromEntries(
      Object.entries(filter.properties).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
  };
}

/** True for the unfiltered inbox view: the only listing whose first page moves the cursor. */
export function isInboxView(filter: NotificationFilter): boolean {
  return (
    filter.categories.length === 0 &&
    filter.read === "any" &&
    !filter.archived &&
    Object.keys(filter.properties).length === 0
  );
}

/**
 * Whether the notification's category and properties match: the part of a
 * filter that never changes for a notification.
 */
export function matchesContent(filter: NotificationFilter, n: StoredNotification): boolean {
  if (filter.categories.length > 0 && !filter.categories.includes(n.category)) return false;
  for (const key in filter.properties) {
    if (n.properties[key] !== filter.properties[key]) return false;
  }
  return true;
}

/** Whether the notification's read and archived states match: the part that changes. */
export function matchesState(filter: NotificationFilter, state: NotificationState): boolean {
  if (state.archived !== filter.archived) return false;
  return filter.read === "any" || (filter.read === "read") === state.read;
}

/** Whether a notification in a given state matches the whole filter. */
export function matches(
  filter: NotificationFilter,
  n: StoredNotification,
  state: NotificationState,
): boolean {
  return matchesState(filter, state) && matchesContent(filter, n);
}

/**
 * True when every notification whose content matches `inner` also matches
 * `outer` (fewer or no categories required, a subset of the properties).
 */
export function contentCovers(outer: NotificationFilter, inner: NotificationFilter): boolean {
  if (outer.categories.length > 0) {
    if (inner.categories.length === 0) return false;
    if (!inner.categories.every((c) => outer.categories.includes(c))) return false;
  }
  for (const key in outer.properties) {
    if (inner.properties[key] !== outer.properties[key]) return false;
  }
  return true;
}

/**
 * A short, stable digest of a normalized filter, such as a page token
 * carries to tell the filter it was issued for.
 */
export function filterFingerprint(filter: NotificationFilter): string {
  const text = JSON.stringify([
    filter.categories,
    filter.read,
    filter.archived,
    Object.entries(filter.properties),
  ]);
  return createHash("sha256").update(text).digest("base64url").slice(0, 11);
}
