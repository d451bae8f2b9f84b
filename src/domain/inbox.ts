import { type InboxItem, newestFirst, type StoredNotification } from "./notification.js";
import { rollUp } from "./rollup.js";
import type { RuleSet } from "./rule.js";

/** True when the notification is newer than the cursor (contract §4.3); no cursor: all unseen. */
export function isUnseen(id: string, cursor: string | undefined): boolean {
  return cursor === undefined || id > cursor;
}

/** How many of the notifications are newer than the cursor. */
export function countUnseen(
  notifications: readonly StoredNotification[],
  cursor: string | undefined,
): number {
  let count = 0;
  for (const n of notifications) if (isUnseen(n.id, cursor)) count++;
  return count;
}

/**
 * The user's inbox as shown: flagged by the cursor, split into unseen and
 * seen, each part rolled up on its own so that a seen notification never
 * joins an unseen group, then merged by head id, newest first.
 *
 * @param notifications newest first.
 */
export function buildInbox(
  notifications: readonly StoredNotification[],
  cursor: string | undefined,
  rules: RuleSet,
): InboxItem[] {
  const unseen: InboxItem[] = [];
  const seen: InboxItem[] = [];
  for (const n of notifications) {
    const flagged = isUnseen(n.id, cursor);
    (flagged ? unseen : seen).push({ ...n, unseen: flagged, children: [] });
  }
  return [...rollUp(unseen, rules), ...rollUp(seen, rules)].sort(newestFirst);
}
