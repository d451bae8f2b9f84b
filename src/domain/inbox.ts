import { effectiveState, emptyState, type InboxState } from "./inbox-state.js";
import { type InboxItem, newestFirst, type StoredNotification } from "./notification.js";
import { inboxView, matches, type NotificationFilter } from "./notification-filter.js";
import { type OpenGroup, rollUpOpen } from "./rollup.js";
import type { RuleSet } from "./rule.js";

/** True when the notification is newer than the cursor (contract §4.3); no cursor: all unseen. */
export function isUnseen(id: string, cursor: string | undefined): boolean {
  return cursor === undefined || id > cursor;
}

/**
 * The user's inbox as shown (contract §4.4, §7.3): the notifications the
 * filter selects in their current state (by default the inbox view), flagged
 * by the cursor, split into unseen and seen, each part rolled up on its own so
 * that a seen notification never joins an unseen group, then merged by head
 * id, newest first. Filters select before rollups group, so a group holds
 * only what the filter selected; a head is read when every member is.
 *
 * @param notifications newest first.
 */
export function buildInbox(
  notifications: readonly StoredNotification[],
  cursor: string | undefined,
  rules: RuleSet,
  state: InboxState = emptyState,
  filter: NotificationFilter = inboxView,
): InboxItem[] {
  return buildInboxGroups(notifications, cursor, rules, state, filter).items;
}

/** An inbox as shown, and the groups in it that older notifications could still join. */
export interface InboxGroups {
  readonly items: InboxItem[];
  /** Open groups, each with whether it is in the unseen part. */
  readonly open: readonly (OpenGroup & { readonly unseen: boolean })[];
}

/** {@link buildInbox}, also telling which groups are still open (see `rollUpOpen`). */
export function buildInboxGroups(
  notifications: readonly StoredNotification[],
  cursor: string | undefined,
  rules: RuleSet,
  state: InboxState = emptyState,
  filter: NotificationFilter = inboxView,
): InboxGroups {
  const unseen: InboxItem[] = [];
  const seen: InboxItem[] = [];
  for (const n of notifications) {
    const { read, archived } = effectiveState(state, n);
    if (!matches(filter, n, { read, archived })) continue;
    const flagged = isUnseen(n.id, cursor);
    (flagged ? unseen : seen).push({ ...n, unseen: flagged, read, archived, children: [] });
  }
  const newer = rollUpOpen(unseen, rules);
  const older = rollUpOpen(seen, rules);
  return {
    items: [...newer.items, ...older.items].sort(newestFirst).map(groupRead),
    open: [
      ...newer.open.map((group) => ({ ...group, unseen: true })),
      ...older.open.map((group) => ({ ...group, unseen: false })),
    ],
  };
}

function groupRead(item: InboxItem): InboxItem {
  if (!item.read || item.children.every((child) => child.read)) return item;
  return { ...item, read: false };
}
