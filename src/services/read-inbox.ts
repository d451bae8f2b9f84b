import type { Cursor } from "../domain/cursor.js";
import { buildInbox } from "../domain/inbox.js";
import { countInbox, type InboxCounts } from "../domain/inbox-counts.js";
import type { InboxState } from "../domain/inbox-state.js";
import type { InboxItem } from "../domain/notification.js";
import { inboxView, type NotificationFilter } from "../domain/notification-filter.js";
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

/** Reads the user's list, state and cursor (in parallel) and the rules. */
export async function readInbox(
  deps: ServiceDependencies,
  username: string,
  options?: CallOptions,
): Promise<InboxSnapshot> {
  const { lists, states, cursors } = deps.repositories;
  const [list, state, cursor, rules] = await Promise.all([
    lists.read(username, options),
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

/** The counts of what a filter selects (default: the inbox view), as paging the list would return it. */
export function inboxCounts(
  snapshot: InboxSnapshot,
  filter: NotificationFilter = inboxView,
): InboxCounts {
  return countInbox(inboxItems(snapshot, filter));
}
