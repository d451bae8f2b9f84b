import { Code, ConnectError } from "@connectrpc/connect";
import type { EventListener, EventSource, Unsubscribe } from "./event-bus.js";
import { SubscriberQueue } from "./subscriber-queue.js";

/** One stream's place on the bus: the user's live events, buffered in a bounded queue. */
export interface Subscription<T> {
  /**
   * The next event, or undefined when none came within `idleMs`. Throws
   * RESOURCE_EXHAUSTED after an overflow, UNAVAILABLE when the feed was lost,
   * and the abort reason once the stream's signal aborts.
   */
  next(idleMs: number): Promise<T | undefined>;
  /** Leaves the bus and drops what waits; idempotent. */
  close(): void;
}

/**
 * Joins the user's channel and resolves once it is live, so that every event
 * published from then on is buffered. The caller reads storage only after
 * this resolves: whatever storage did not show yet arrives as an event. The
 * subscription leaves the bus as soon as it fails (overflow, lost feed,
 * abort), not only when the stream's handler gets round to closing it.
 */
export async function openSubscription<T>(
  source: EventSource<T>,
  username: string,
  capacity: number,
  signal: AbortSignal,
): Promise<Subscription<T>> {
  const queue = new SubscriberQueue<T>(capacity);
  let unsubscribe: Unsubscribe | undefined;
  let released = false;
  const release = () => {
    released = true;
    signal.removeEventListener("abort", aborted);
    unsubscribe?.();
  };
  const aborted = () => {
    queue.fail(ConnectError.from(signal.reason, Code.Canceled));
    release();
  };
  const listener: EventListener<T> = {
    event(event) {
      if (!queue.push(event)) release();
    },
    lost(error) {
      queue.fail(error);
      release();
    },
  };
  if (signal.aborted) throw ConnectError.from(signal.reason, Code.Canceled);
  signal.addEventListener("abort", aborted);
  try {
    unsubscribe = await source.subscribe(username, listener);
  } catch (error) {
    release();
    throw error;
  }
  // It failed while joining (aborted, overflowed or lost): leave at once.
  if (released) unsubscribe();
  return {
    next: (idleMs) => queue.take(idleMs),
    close() {
      queue.fail(new ConnectError("the subscription is closed", Code.Canceled));
      release();
    },
  };
}
