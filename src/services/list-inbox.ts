import { isUnseen } from "../domain/inbox.js";
import { pageFromNewest } from "../domain/inbox-page.js";
import type { InboxItem, StoredNotification } from "../domain/notification.js";
import { isInboxView, type NotificationFilter } from "../domain/notification-filter.js";
import type { Page, PageStart } from "../domain/paging.js";
import type { ServiceDependencies } from "./dependencies.js";
import { seenUpTo } from "./read-inbox.js";

/** One page of a user's inbox and what headers and tokens are made of. */
export interface InboxPage extends Page {
  /** The user's newest notification, on any page; undefined when the inbox is empty. */
  readonly newest: StoredNotification | undefined;
}

/**
 * Reads one page of a user's inbox as `filter` selects it (contract §4.3,
 * §4.4, §7.3). The first page of the unfiltered inbox view is flagged and
 * rolled up by the cursor as it was before the request, and the cursor then
 * moves to the newest notification, stored before this resolves (and
 * announced to live streams). Its later pages are flagged by the current
 * cursor but rolled up by the cursor the first page used, so every page of
 * one listing groups the same way and paging neither skips nor repeats a
 * notification. A filtered listing never moves the cursor, so all its pages
 * flag and group by the cursor as it is. Only the segments the page needs
 * are read: those that hold notifications of the page, or that its rollup
 * groups could reach into (`pageFromNewest`, docs/storage.md).
 */
export async function listInbox(
  deps: ServiceDependencies,
  username: string,
  filter: NotificationFilter,
  start: PageStart,
  pageSize: number,
): Promise<InboxPage> {
  const { inboxes, states, cursors } = deps.repositories;
  const [inbox, state, cursor, rules] = await Promise.all([
    inboxes.read(username),
    states.read(username),
    cursors.read(username),
    deps.rules.get(),
  ]);
  const firstPage = start.fromId === undefined;
  const movesCursor = isInboxView(filter);
  const groupBy = seenUpTo(firstPage || !movesCursor ? cursor?.value : cursor?.previous);
  const pageOf = (known: ReturnType<typeof inbox.known>) =>
    pageFromNewest(known, groupBy, rules, start, pageSize, state, filter);
  let page = pageOf(inbox.known());
  while (page === undefined) {
    const more = await inbox.extend();
    const known = inbox.known();
    page = pageOf(more ? known : { ...known, rest: undefined });
  }
  if (!firstPage) {
    const flagBy = seenUpTo(cursor?.value);
    page = { ...page, items: page.items.map((item) => reflag(item, flagBy)) };
  }
  const newest = await inbox.newest();
  if (movesCursor && firstPage && newest && needsMove(cursor, newest.id)) {
    await cursors.change(username, {
      kind: "shown",
      newestId: newest.id,
      flaggedWith: cursor?.value ?? "",
    });
    if (!cursor || cursor.value < newest.id) {
      await deps.events.publish(username, { kind: "seen", cursor: newest.id });
    }
  }
  return { ...page, newest };
}

/** The cursor moves forward, or records what this first page was flagged with. */
function needsMove(cursor: { value: string; previous: string } | undefined, newestId: string) {
  return !cursor || cursor.value < newestId || cursor.previous !== cursor.value;
}

function reflag(item: InboxItem, cursor: string | undefined): InboxItem {
  return {
    ...item,
    unseen: isUnseen(item.id, cursor),
    children: item.children.map((child) => reflag(child, cursor)),
  };
}
