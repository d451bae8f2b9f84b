import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { isKsuid } from "../domain/ids.js";
import { countUnseen, isUnseen } from "../domain/inbox.js";
import { checkUsername } from "../domain/validation.js";
import { ValidationError } from "../domain/validation-error.js";
import type { StreamService, SubscribeResponseSchema } from "../gen/notification/v1/stream_pb.js";
import type { InboxEvent } from "../streams/inbox-event.js";
import { replayEvents } from "../streams/replay.js";
import { openSubscription } from "../streams/subscription.js";
import type { ServiceDependencies } from "./dependencies.js";
import { storedToProto } from "./to-proto.js";

/** Options of live streams (`config.streams`). */
export interface StreamOptions {
  /** A heartbeat goes out after this many ms without another event. */
  readonly heartbeatMs: number;
  /** Events buffered per subscriber before it is ended with RESOURCE_EXHAUSTED. */
  readonly queueSize: number;
}

type Response = MessageInitShape<typeof SubscribeResponseSchema>;

/**
 * StreamService (contract §6): the inbox state, the replay after `after`, then
 * live events. The subscription is live before storage is read, so a
 * notification stored meanwhile is either in what was read or arrives as an
 * event (no gap); an event for a notification that was read is dropped (no
 * duplicate).
 */
export function createStreamService(
  deps: ServiceDependencies,
  options: StreamOptions,
): ServiceImpl<typeof StreamService> {
  const { lists, cursors } = deps.repositories;
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
        deps.events,
        req.username,
        options.queueSize,
        ctx.signal,
      );
      try {
        const call = { signal: ctx.signal };
        const [list, cursor] = await Promise.all([
          lists.read(req.username, call),
          cursors.read(req.username, call),
        ]);
        const seenUpTo = cursor?.value || undefined;
        yield {
          event: {
            case: "state",
            value: {
              unseenCount: countUnseen(list.notifications, seenUpTo),
              newestId: list.notifications[0]?.id ?? "",
            },
          },
        };
        // Ids already read from storage: their live events, if any come, are duplicates.
        const read = new Set(list.notifications.map((n) => n.id));
        if (req.after !== "") {
          for (const event of replayEvents(list, req.after)) yield toResponse(event, seenUpTo);
        }
        for (;;) {
          const event = await subscription.next(options.heartbeatMs);
          if (event === undefined) {
            yield { event: { case: "heartbeat", value: { time: timestampFromMs(deps.now()) } } };
          } else if (event.kind !== "created" || !read.delete(event.notification.id)) {
            yield toResponse(event, seenUpTo);
          }
        }
      } finally {
        subscription.close();
      }
    },
  };
}

function toResponse(event: InboxEvent, seenUpTo: string | undefined): Response {
  switch (event.kind) {
    case "created": {
      const notification = storedToProto(event.notification);
      notification.unseen = isUnseen(notification.id, seenUpTo);
      return { event: { case: "notification", value: notification } };
    }
    case "deleted":
      return { event: { case: "deleted", value: { ids: [...event.ids] } } };
    case "cleared":
      return { event: { case: "cleared", value: { upTo: event.upTo, ids: [...event.ids] } } };
  }
}
