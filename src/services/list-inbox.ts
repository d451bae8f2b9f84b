import { buildInbox, isUnseen } from "../domain/inbox.js";
import type { InboxItem, StoredNotification } from "../domain/notification.js";
import { type Page, type PageStart, takePage } from "../domain/paging.js";
import type { ServiceDependencies } from "./dependencies.js";

/** One page of a user's inbox and what headers and tokens are made of. */
export interface InboxPage extends Page {
  /** The user's newest notification, on any page; undefined when the inbox is empty. */
  readonly newest: StoredNotification | undefined;
}

/**
 * Reads one page of a user's inbox (contract §4.3, §4.4). The first page is
 * flagged and rolled up by the cursor as it was before the request, and the
 * cursor then moves to the newest notification, stored before this resolves.
 * Later pages are flagged by the current cursor but rolled up by the cursor
 * the first page used, so every page of one listing groups the same way and
 * paging neither skips nor repeats a notification.
 */
export async function listInbox(
  deps: ServiceDependencies,
  username: string,
  start: PageStart,
  pageSize: number,
): Promise<InboxPage> {
  const { lists, cursors } = deps.repositories;
  const [list, cursor, rules] = await Promise.all([
    lists.read(username),
    cursors.read(username),
    deps.rules.get(),
  ]);
  const newest = list.notifications[0];
  const firstPage = start.fromId === undefined;
  const groupBy = firstPage ? cursor?.value : cursor?.previous;
  let inbox = buildInbox(list.notifications, emptyAsNone(groupBy), rules);
  if (!firstPage) inbox = inbox.map((item) => reflag(item, emptyAsNone(cursor?.value)));
  const page = takePage(inbox, start, pageSize);
  if (firstPage && newest && needsMove(cursor, newest.id)) {
    await cursors.change(username, {
      kind: "shown",
      newestId: newest.id,
      flaggedWith: cursor?.value ?? "",
    });
  }
  return { ...page, newest };
}

/** The cursor moves forward, or records what this first page was flagged with. */
function needsMove(cursor: { value: string; previous: string } | undefined, newestId: string) {
  return !cursor || cursor.value < newestId || cursor.previous !== cursor.value;
}

function emptyAsNone(cursor: string | undefined): string | undefined {
  return cursor === "" ? undefined : cursor;
}

function reflag(item: InboxItem, cursor: string | undefined): InboxItem {
  return {
    ...item,
    unseen: isUnseen(item.id, cursor),
    children: item.children.map((child) => reflag(child, cursor)),
  };
}
