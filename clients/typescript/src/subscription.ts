import { setTimeout as sleep } from "node:timers/promises";
import { type Client, Code, ConnectError } from "@connectrpc/connect";
import type {
  InboxCounts,
  StreamService,
  SubscribeResponse,
} from "../gen/notification/v1/stream_pb.js";
import {
  defaultReconnectOptions,
  isReconnectable,
  type ReconnectOptions,
  reconnectDelay,
} from "./reconnect.js";

/** The cases of a subscription's events that the client passes on. */
const passedOn = new Set([
  "state",
  "notification",
  "deleted",
  "cleared",
  "read",
  "readAll",
  "archived",
  "archivedAll",
  "seen",
  "updated",
  "broadcast",
]);

/**
 * One event of a subscription, told apart by `case`: `state` (first on every
 * connection: the inbox view's counts, newest id and cursor; with `resync`,
 * re-list instead of relying on what you hold), `notification` (a new one,
 * replayed or live), `deleted` (ids), `cleared` (a delete-all: everything up
 * to `upTo`, and the `ids` above it), `read` and `archived` (ids and their new
 * state), `readAll` and `archivedAll` (every notification up to `upTo` that
 * matches `filter`), `seen` (the cursor moved), `updated` (a notification's
 * new message or properties, same id: an update by key), `broadcast` (a
 * live-only message to a topic the user subscribes to; never stored, never
 * replayed). Every event but `state` carries `counts`: the inbox view's
 * total, unseen and unread after it.
 * Heartbeats keep the connection open and are not passed on.
 */
export type SubscribeEvent = Extract<
  SubscribeResponse["event"],
  {
    case:
      | "state"
      | "notification"
      | "deleted"
      | "cleared"
      | "read"
      | "readAll"
      | "archived"
      | "archivedAll"
      | "seen"
      | "updated"
      | "broadcast";
  }
> & {
  /** The inbox view's counts after the event; undefined on `state`, which carries its own. */
  readonly counts: InboxCounts | undefined;
};

/** Options of a subscription. */
export interface SubscribeOptions {
  /**
   * A notification id: the stream first replays the notifications newer than
   * it. Default empty: only what happens from now on.
   */
  readonly after?: string;
  /** Ends the subscription: the iteration finishes without an error. */
  readonly signal?: AbortSignal;
  /** Overrides of {@link defaultReconnectOptions}. */
  readonly reconnect?: Partial<ReconnectOptions>;
  /**
   * Called when the stream failed and the client is about to reconnect:
   * the error, the delay before the attempt and its number (1 for the first
   * in a row). Default none.
   */
  readonly onRetry?: (error: ConnectError, delayMs: number, attempt: number) => void;
}

/** What the client adds to a subscription's options. */
export interface ResumeOptions extends SubscribeOptions {
  /**
   * The transport asks a token function before every call: a stream ended
   * with UNAUTHENTICATED (its token expired) after it was accepted then
   * reconnects at once, with a fresh token. Default false: UNAUTHENTICATED
   * is thrown.
   */
  readonly refreshesToken?: boolean;
}

// The smallest KSUID (all zeros): resuming after it replays the whole inbox.
const beforeEveryId = "0".repeat(27);

/**
 * Subscribes to a user's inbox events and keeps the subscription alive: when
 * the stream fails with UNAVAILABLE, RESOURCE_EXHAUSTED or a broken
 * connection, it reconnects with backoff and resumes after the greatest
 * notification id delivered so far (or, when none was, after the newest id
 * the first `state` event reported), so that nothing is missed or delivered
 * twice. With `refreshesToken`, a stream the server ended because its token
 * expired reconnects at once (the transport fetches a fresh token). Other
 * errors, and the last one once `maxAttempts` reconnects in a row delivered
 * nothing, are thrown. Breaking out of the loop ends the call.
 */
export async function* subscribeWithResume(
  client: Client<typeof StreamService>,
  username: string,
  options: ResumeOptions = {},
): AsyncGenerator<SubscribeEvent, void, undefined> {
  const policy: ReconnectOptions = { ...defaultReconnectOptions, ...options.reconnect };
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let after = options.after ?? "";
  let attempt = 0;
  try {
    while (!signal.aborted) {
      let failure: ConnectError;
      let accepted = false;
      try {
        for await (const { event, counts } of client.subscribe({ username, after }, { signal })) {
          attempt = 0;
          accepted = true;
          if (event.case === "state" && after === "") after = event.value.newestId || beforeEveryId;
          if (event.case === "notification" && event.value.id > after) after = event.value.id;
          // Heartbeats, and events of a newer server that this client does not know, are not passed on.
          if (event.case !== undefined && passedOn.has(event.case)) {
            yield { ...event, counts } as SubscribeEvent;
          }
        }
        failure = new ConnectError("the server ended the stream", Code.Unavailable);
      } catch (error) {
        if (signal.aborted) return;
        failure = ConnectError.from(error);
        if (failure.code === Code.Unauthenticated && accepted && options.refreshesToken) {
          // The token expired mid-stream; a fresh one was never refused yet.
          options.onRetry?.(failure, 0, 1);
          continue;
        }
        if (!isReconnectable(failure)) throw failure;
      }
      attempt += 1;
      if (attempt > policy.maxAttempts) throw failure;
      const delayMs = reconnectDelay(attempt, policy);
      options.onRetry?.(failure, delayMs, attempt);
      try {
        await sleep(delayMs, undefined, { signal });
      } catch {
        return;
      }
    }
  } finally {
    stop.abort();
  }
}
