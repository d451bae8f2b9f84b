import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { idBefore, isKsuid } from "../domain/ids.js";
import { isUnseen } from "../domain/inbox.js";
import type { InboxCounts } from "../domain/inbox-counts.js";
import { effectiveState, type InboxState } from "../domain/inbox-state.js";
import { checkUsername } from "../domain/validation.js";
import { ValidationError } from "../domain/validation-error.js";
import type { StreamService, SubscribeResponseSchema } from "../gen/notification/v1/stream_pb.js";
import type { InboxEvent } from "../streams/inbox-event.js";
import { replayEvents, stateReplayEvents } from "../streams/replay.js";
import { openSubscription } from "../streams/subscription.js";
import { CountedFeeds } from "./counted-feeds.js";
import type { ServiceDependencies } from "./dependencies.js";
import { type InboxSnapshot, inboxCounts, readInbox, seenUpTo } from "./read-inbox.js";
import { settleEvent } from "./settle-event.js";
import { filterToProto, storedToProto } from "./to-proto.js";

/** Options of live streams (`config.streams`, and the retention of `config.storage`). */
export interface StreamOptions {
  /** A heartbeat goes out after this many ms without another event. */
  readonly heartbeatMs: number;
  /** Events buffered per subscriber before it is ended with RESOURCE_EXHAUSTED. */
  readonly queueSize: number;
  /** Notifications kept per user: a resume on a full list that grew cannot tell what aged out. */
  readonly retention: number;
}

type Response = MessageInitShape<typeof SubscribeResponseSchema>;

// State changes replayed on resume reach this far before `after`: a change
// whose version precedes `after` may still reach Redis after the notification
// `after` names did (its write was slower), so a client can hold `after` and
// have missed it. Replaying a change twice is harmless.
const replayMarginMs = 30_000;

/**
 * The live feeds of `deps`' bus: events with the inbox view's counts, and
 * settled, against one read of the user's inbox per batch.
 */
export function createCountedFeeds(
  deps: ServiceDependencies,
  options: StreamOptions,
): CountedFeeds {
  return new CountedFeeds(
    deps.events,
    async (username) => {
      const snapshot = await readInbox(deps, username);
      return { counts: inboxCounts(snapshot), settle: (event) => settleEvent(event, snapshot) };
    },
    options.queueSize,
  );
}

/**
 * StreamService (contract §6, §7.5): the inbox state with its counts, the
 * replay after `after`, then live events, each with the inbox view's counts
 * after it. The subscription is live before storage is read, so a change
 * stored meanwhile is either in what was read or arrives as an event (no
 * gap); an event for a notification that was read is dropped (no duplicate).
 */
export function createStreamService(
  deps: ServiceDependencies,
  feeds: CountedFeeds,
  options: StreamOptions,
): ServiceImpl<typeof StreamService> {
  return {
    async *subscribe(req, ctx) {
      checkUsername(req.username);
      if (req.after !== "" && !isKsuid(req.after)) {
        throw new ValidationError(
          "after",
          "after must be a notification id (a 27-character KSUID)",
        );
      }
      const subscription = await openSubscription(
        feeds,
        req.username,
        options.queueSize,
        ctx.signal,
      );
      try {
        const snapshot = await readInbox(deps, req.username, { signal: ctx.signal });
        const { list } = snapshot;
        const counts = inboxCounts(snapshot);
        const resync = req.after !== "" && cannotTell(snapshot, req.after, options.retention);
        let cursor = seenUpTo(snapshot.cursor?.value);
        yield {
          event: {
            case: "state",
            value: {
              unseenCount: counts.unseen,
              totalCount: counts.total,
              unreadCount: counts.unread,
              newestId: list.notifications[0]?.id ?? "",
              cursor: cursor ?? "",
              resync,
            },
          },
        };
        // Ids already read from storage: their live events, if any come, are duplicates.
        const read = new Set(list.notifications.map((n) => n.id));
        if (req.after !== "" && !resync) {
          const missed = [
            ...replayEvents(list, list.notifications, req.after),
            ...stateReplayEvents(
              list.notifications,
              snapshot.state,
              idBefore(req.after, replayMarginMs),
            ),
          ];
          for (const event of missed) yield toResponse(event, cursor, counts, snapshot.state);
        }
        for (;;) {
          const counted = await subscription.next(options.heartbeatMs);
          if (counted === undefined) {
            yield { event: { case: "heartbeat", value: { time: timestampFromMs(deps.now()) } } };
            continue;
          }
          const { event } = counted;
          if (event.kind === "created" && read.delete(event.notification.id)) continue;
          if (event.kind === "seen" && (cursor === undefined || event.cursor > cursor)) {
            cursor = event.cursor;
          }
          // A delete-all removes the cursor with the notifications.
          if (event.kind === "cleared") cursor = undefined;
          yield toResponse(event, cursor, counted.counts);
        }
      } finally {
        subscription.close();
      }
    },
  };
}

/**
 * True when a resume cannot be told what changed: the list is full and has
 * newer notifications than `after`, so some the client holds aged out
 * unannounced. The client re-lists instead.
 */
function cannotTell(snapshot: InboxSnapshot, after: string, retention: number): boolean {
  const { notifications } = snapshot.list;
  return notifications.length >= retention && (notifications[0]?.id ?? "") > after;
}

/**
 * An event as the stream sends it, with the counts after it. A replayed
 * notification carries its current state (`state`); a live one is new, so
 * neither read nor archived.
 */
function toResponse(
  event: InboxEvent,
  cursor: string | undefined,
  counts: InboxCounts,
  state?: InboxState,
): Response {
  return { event: eventOf(event, cursor, state), counts };
}

function eventOf(
  event: InboxEvent,
  cursor: string | undefined,
  state: InboxState | undefined,
): NonNullable<Response["event"]> {
  switch (event.kind) {
    case "created": {
      const notification = storedToProto(event.notification);
      notification.unseen = isUnseen(notification.id, cursor);
      if (state) Object.assign(notification, effectiveState(state, event.notification));
      return { case: "notification", value: notification };
    }
    case "updated": {
      const notification = storedToProto(event.notification);
      notification.unseen = isUnseen(notification.id, cursor);
      if (state) Object.assign(notification, effectiveState(state, event.notification));
      return { case: "updated", value: { notification } };
    }
    case "deleted":
      return { case: "deleted", value: { ids: [...event.ids] } };
    case "cleared":
      return { case: "cleared", value: { upTo: event.upTo, ids: [...event.ids] } };
    case "marked":
      return event.flag === "read"
        ? { case: "read", value: { ids: [...event.ids], read: event.value } }
        : { case: "archived", value: { ids: [...event.ids], archived: event.value } };
    case "marked-all": {
      const value = { upTo: event.upTo, filter: filterToProto(event.filter) };
      return event.flag === "read" ? { case: "readAll", value } : { case: "archivedAll", value };
    }
    case "seen":
      return { case: "seen", value: { cursor: event.cursor } };
    case "broadcast":
      return {
        case: "broadcast",
        value: {
          topic: event.topic,
          category: event.category,
          message: event.message,
          properties: { ...event.properties },
          sentAt: timestampFromMs(event.sentAt),
        },
      };
  }
}
