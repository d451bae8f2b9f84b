import type { MessageInitShape } from "@bufbuild/protobuf";
import { type ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import {
  type ListNotificationsResponseSchema,
  NotificationService,
} from "../gen/notification/v1/notification_pb.js";
import { StreamService, type SubscribeResponseSchema } from "../gen/notification/v1/stream_pb.js";
import type { InboxApi } from "../src/inbox-api.js";

/** A stream event as a test writes it. */
export type Event = MessageInitShape<typeof SubscribeResponseSchema>;

/** What one Subscribe call of the fake service sends, and how it ends. */
export interface Connection {
  readonly events: readonly Event[];
  /**
   * An error to end with, or "hang" to stay open until the client leaves,
   * sending what the test `push`es meanwhile.
   */
  readonly end: ConnectError | "hang";
}

/** A KSUID-shaped id (27 characters) that sorts by `n`. */
export const ksuid = (n: number) => `3${String(n).padStart(26, "0")}`;

/** The first event of a stream. */
export function state(newestId: string, unseen: number, resync = false): Event {
  return {
    event: {
      case: "state",
      value: { newestId, unseenCount: unseen, totalCount: unseen, unreadCount: unseen, resync },
    },
  };
}

/** A new notification's event. */
export function created(id: string, message = id): Event {
  return {
    event: { case: "notification", value: { id, category: "comment", message } },
    counts: { total: 1, unseen: 1, unread: 1 },
  };
}

/**
 * The service in memory: Subscribe plays one scripted connection per call,
 * ListNotifications answers `page()` (the notifications it would list),
 * counting and marking seen answer at once; every request is recorded.
 */
export function fakeService(
  connections: readonly Connection[],
  page: () => MessageInitShape<typeof ListNotificationsResponseSchema> = () => ({}),
) {
  const subscribed: { username: string; after: string }[] = [];
  const listed: string[] = [];
  const counted: string[][] = [];
  const seen: string[] = [];
  // Events for the open stream, and how to wake it.
  const pushed: Event[] = [];
  let wake = () => {};
  const transport = createRouterTransport((router) => {
    router.service(StreamService, {
      async *subscribe(request, context) {
        const connection = connections[subscribed.length];
        subscribed.push({ username: request.username, after: request.after });
        if (connection) {
          yield* connection.events;
          if (connection.end !== "hang") throw connection.end;
        }
        // Open until the client leaves, sending what the test pushes.
        while (!context.signal.aborted) {
          yield* pushed.splice(0);
          await new Promise<void>((resolve) => {
            wake = resolve;
            context.signal.addEventListener("abort", () => resolve());
          });
        }
      },
    });
    router.service(NotificationService, {
      listNotifications(request) {
        listed.push(request.pageToken);
        return page();
      },
      countNotifications(request) {
        counted.push([...(request.filter?.categories ?? [])]);
        return {};
      },
      markNotificationsSeen(request) {
        seen.push(request.upTo);
        return { cursor: request.upTo };
      },
    });
  });
  const api: InboxApi = {
    notifications: createClient(NotificationService, transport),
    streams: createClient(StreamService, transport),
  };
  return {
    api,
    subscribed,
    listed,
    counted,
    seen,
    /** Sends `events` on the open stream. */
    push(...events: Event[]) {
      pushed.push(...events);
      wake();
    },
  };
}
