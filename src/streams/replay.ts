import type { InboxHead } from "../domain/inbox-head.js";
import type { InboxState } from "../domain/inbox-state.js";
import type { StoredNotification } from "../domain/notification.js";
import { stateChangedSince } from "../domain/state-replay.js";
import type { InboxEvent } from "./inbox-event.js";

/**
 * What a subscriber resuming with `after` (the greatest id it holds) missed:
 * from the head, the delete-all mark, so it drops what was cleared, and the
 * tombstones of ids it may hold, so it drops what was deleted; then every
 * shown notification newer than `after` (`newer`, from the head and the
 * segments, newest first), oldest first, so that the greatest id received is
 * always a safe `after` to resume from.
 */
export function replayEvents(
  head: Pick<InboxHead, "clearedUpTo" | "deletedIds">,
  newer: readonly StoredNotification[],
  after: string,
): InboxEvent[] {
  const events: InboxEvent[] = [];
  if (head.clearedUpTo !== "") events.push({ kind: "cleared", upTo: head.clearedUpTo, ids: [] });
  const deleted = [...head.deletedIds].filter((id) => id <= after).sort();
  if (deleted.length > 0) events.push({ kind: "deleted", ids: deleted });
  for (let i = newer.length - 1; i >= 0; i--) {
    const notification = newer[i];
    if (notification && notification.id > after) events.push({ kind: "created", notification });
  }
  return events;
}

/**
 * The event of a delete-all, read back from the head it left: its mark, and
 * the tombstones above the mark (a delete-all also removes what it read above
 * its mark, since ids of different instances are ordered to the second only).
 */
export function clearedEvent(head: Pick<InboxHead, "clearedUpTo" | "deletedIds">): InboxEvent {
  const ids = [...head.deletedIds].filter((id) => id > head.clearedUpTo).sort();
  return { kind: "cleared", upTo: head.clearedUpTo, ids };
}

/**
 * The state changes a resuming subscriber missed, read from the stored
 * notifications (every one shown, newest first) and state: the notifications
 * whose read or archived state was decided after `since`, as `marked` events
 * with their current values.
 */
export function stateReplayEvents(
  notifications: readonly StoredNotification[],
  state: InboxState,
  since: string,
): InboxEvent[] {
  return stateChangedSince(state, notifications, since).map(({ flag, value, ids }) => ({
    kind: "marked",
    flag,
    ids,
    value,
  }));
}
