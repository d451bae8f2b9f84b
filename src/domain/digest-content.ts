import { lateWriteGraceMs } from "./digest-state.js";
import type { InboxItem, StoredNotification } from "./notification.js";
import { rollUp } from "./rollup.js";
import type { RuleSet } from "./rule.js";

/** What decides which of a user's notifications a digest carries. */
export interface DigestSelection {
  /** The digest state's window start (the previous digest's read time); 0 before the first. */
  readonly windowStart: number;
  /** Where the first digest's window starts, in ms (one period before it is due). */
  readonly firstWindowStart: number;
  /** Notifications already emailed. */
  readonly emailedIds: ReadonlySet<string>;
  /** True when the user's preferences let the category into digests. */
  readonly includesCategory: (category: string) => boolean;
  /** True when the notification is unread and not archived. */
  readonly isOpen: (notification: StoredNotification) => boolean;
}

/**
 * The notifications a digest carries (contract §10): unread, not archived,
 * not yet emailed, created since the previous digest, in a category the user
 * gets digests of; newest first, as `notifications` is. "Since the previous
 * digest" reaches back {@link lateWriteGraceMs} before its read, for creates
 * whose writes landed after it; the emailed ids keep those it did carry out.
 */
export function selectDigestNotifications(
  notifications: readonly StoredNotification[],
  selection: DigestSelection,
): StoredNotification[] {
  const from = windowFrom(selection);
  return notifications.filter(
    (n) =>
      n.createdAt > from &&
      !selection.emailedIds.has(n.id) &&
      selection.includesCategory(n.category) &&
      selection.isOpen(n),
  );
}

/** Where a digest's window starts: notifications created after it are candidates. */
export function windowFrom(selection: Pick<DigestSelection, "windowStart" | "firstWindowStart">) {
  return selection.windowStart > 0
    ? selection.windowStart - lateWriteGraceMs
    : selection.firstWindowStart;
}

/**
 * A digest's notifications rolled up by the rules, as the inbox rolls up one
 * part (contract §4.4): each group's head carries the others, newest first.
 */
export function rollUpDigest(
  notifications: readonly StoredNotification[],
  rules: RuleSet,
): InboxItem[] {
  return rollUp(
    // Only unread, unarchived notifications reach a digest.
    notifications.map((n) => ({ ...n, unseen: true, read: false, archived: false, children: [] })),
    rules,
  );
}
