import type { InboxState } from "../domain/inbox-state.js";
import type { NotificationList } from "../domain/notification-list.js";
import { stateChangedSince } from "../domain/state-replay.js";
import type { InboxEvent } from "./inbox-event.js";

/**
 * What a subscriber resuming with `after` (the greatest id it holds) missed,
 * read from the stored list: the delete-all mark, so it drops what was
 * cleared; the tombstones of ids it may hold, so it drops what was deleted;
 * then every stored notification newer than `after`, oldest first, so that
 * the greatest id received is always a safe `after` to resume from.
 */
export function replayEvents(list: NotificationList, after: string): InboxEvent[] {
  const events: InboxEvent[] = [];
  if (list.clearedUpTo !== "") events.push({ kind: "cleared", upTo: list.clearedUpTo, ids: [] });
  const deleted = [...list.deletedIds].filter((id) => id <= after).sort();
  if (deleted.length > 0) events.push({ kind: "deleted", ids: deleted });
  for (let i = list.notifications.length - 1; i >= 0; i--) {
    const notification = list.notifications[i];
    if (notification && notification.id > after) events.push({ kind: "created", notification });
  }
  return events;
}

/**
 * The event of a delete-all, read back from the list it left: its mark, and
 * the tombstones above the mark (a delete-all also removes what it read above
 * its mark, since ids of different instances are ordered to the second only).
 */
export function clearedEvent(list: NotificationList): InboxEvent {
  const ids = [...list.deletedIds].filter((id) => id > list.clearedUpTo).sort();
  return { kind: "cleared", upTo: list.clearedUpTo, ids };
}

/**
 * The state changes a resuming subscriber missed, read from the stored list
 * and state: the notifications whose read or archived state was decided
 * after `since`, as `marked` events with their current values.
 */
export function stateReplayEvents(
  list: NotificationList,
  state: InboxState,
  since: string,
): InboxEvent[] {
  return stateChangedSince(state, list.notifications, since).map(({ flag, value, ids }) => ({
    kind: "marked",
    flag,
    ids,
    value,
  }));
}
