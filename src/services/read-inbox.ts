import type { Cursor } from "../domain/cursor.js";
import { buildInbox } from "../domain/inbox.js";
import { countInbox, type InboxCounts } from "../domain/inbox-counts.js";
import type { InboxState } from "../domain/inbox-state.js";
import type { InboxItem } from "../domain/notification.js";
import {
  filterFingerprint,
  inboxView,
  type NotificationFilter,
} from "../domain/notification-filter.js";
import type { NotificationList } from "../domain/notification-list.js";
import type { RuleSet } from "../domain/rule.js";
import type { CallOptions } from "../storage/key-value-store.js";
import type { ServiceDependencies } from "./dependencies.js";

/** Everything a user's inbox is built from, read at one moment. */
export interface InboxSnapshot {
  readonly list: NotificationList;
  readonly state: InboxState;
  readonly cursor: Cursor | undefined;
  readonly rules: RuleSet;
}

/**
 * Reads the user's whole inbox (its head, then every segment, in parallel),
 * state and cursor (in parallel) and the rules. Pages read less
 * (`listInbox`); counts and filters over the whole inbox need all of it.
 */
export async function readInbox(
  deps: ServiceDependencies,
  username: string,
  options?: CallOptions,
): Promise<InboxSnapshot> {
  const { inboxes, states, cursors } = deps.repositories;
  const [list, state, cursor, rules] = await Promise.all([
    inboxes.read(username, options).then((inbox) => inbox.all()),
    states.read(username, options),
    cursors.read(username, options),
    deps.rules.get(),
  ]);
  return { list, state, cursor, rules };
}

/** The cursor value unseen flags compare with: undefined when the user never saw anything. */
export function seenUpTo(cursor: string | undefined): string | undefined {
  return cursor === "" ? undefined : cursor;
}

/**
 * The inbox a filter selects, flagged and grouped by the cursor value
 * `groupBy` (default: the cursor's value), as the first page of a listing
 * shows it.
 */
export function inboxItems(
  snapshot: InboxSnapshot,
  filter: NotificationFilter,
  groupBy: string | undefined = snapshot.cursor?.value,
): InboxItem[] {
  const { list, state, rules } = snapshot;
  return buildInbox(list.notifications, seenUpTo(groupBy), rules, state, filter);
}

/** Counts already computed from one list object, with the state and rules they used. */
interface CountedWith {
  readonly state: InboxState;
  readonly rules: RuleSet;
  readonly counts: InboxCounts;
}

// A list read again with unchanged bytes is the same object (the storage
// layer keeps the values it resolved last), and so are an unchanged state and
// cached rules: counts of such an inbox (a badge asked again and again) are
// taken from here instead of rolling the list up again. Entries go with
// their list object.
const counted = new WeakMap<NotificationList, Map<string, CountedWith>>();

/**
 * The counts of what a filter selects (default: the inbox view), as paging
 * the list would return it. Computed once per list, state, rules, cursor and
 * filter.
 */
export function inboxCounts(
  snapshot: InboxSnapshot,
  filter: NotificationFilter = inboxView,
): InboxCounts {
  const { list, state, rules, cursor } = snapshot;
  const key = `${filterFingerprint(filter)}\u0000${cursor?.value ?? ""}`;
  let byKey = counted.get(list);
  const known = byKey?.get(key);
  if (known && known.state === state && known.rules === rules) return known.counts;
  const counts = countInbox(inboxItems(snapshot, filter));
  if (!byKey) {
    byKey = new Map();
    counted.set(list, byKey);
  }
  // A few filters per list: a badge, a tab or two.
  if (byKey.size >= 16) byKey.clear();
  byKey.set(key, { state, rules, counts });
  return counts;
}
