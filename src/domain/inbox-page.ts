import { buildInboxGroups, isUnseen } from "./inbox.js";
import { emptyState, type InboxState } from "./inbox-state.js";
import type { KnownNewest, Rest } from "./inbox-view.js";
import { inboxView, type NotificationFilter } from "./notification-filter.js";
import { type Page, type PageStart, takePage } from "./paging.js";
import type { OpenGroup } from "./rollup.js";
import type { RuleSet } from "./rule.js";

/**
 * One page of an inbox built from its newest notifications known so far
 * (contract §4.3, §4.4), or undefined when they do not decide it and older
 * ones must be read first. They decide it when the page is followed by
 * another top-level item among them (so no older notification can land on
 * it as a head), and no group on the page is open to an older notification
 * (judged by the time range of what is left to read): rolling up goes newest
 * first, so the page then comes out exactly as from the whole inbox.
 *
 * Filters select notification by notification, so they change nothing of
 * this: what the rest holds may or may not be selected.
 *
 * @param cursor the cursor the page is split and rolled up by.
 */
export function pageFromNewest(
  known: KnownNewest,
  cursor: string | undefined,
  rules: RuleSet,
  start: PageStart,
  size: number,
  state: InboxState = emptyState,
  filter: NotificationFilter = inboxView,
): Page | undefined {
  const inbox = buildInboxGroups(known.notifications, cursor, rules, state, filter);
  const page = takePage(inbox.items, start, size);
  const { rest } = known;
  if (rest === undefined) return page;
  if (!page.hasMore) return undefined;
  const onPage = new Set(page.items.map((item) => item.id));
  const open = inbox.open.filter((group) => onPage.has(group.headId));
  return open.some((group) => mayJoin(group, rest, cursor)) ? undefined : page;
}

/** Whether a notification of the rest could join the group (contract §4.4), as far as its range tells. */
function mayJoin(group: OpenGroup & { unseen: boolean }, rest: Rest, cursor: string | undefined) {
  // Unseen and seen notifications are rolled up apart.
  if (group.unseen && !isUnseen(rest.newestId, cursor)) return false;
  // A member is no newer than its head, and at most max_duration older.
  if (rest.minCreatedAt > group.headCreatedAt) return false;
  const { maxDurationMs } = group;
  return maxDurationMs === undefined || rest.maxCreatedAt >= group.headCreatedAt - maxDurationMs;
}
