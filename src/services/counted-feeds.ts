import { Code, ConnectError } from "@connectrpc/connect";
import type { InboxCounts } from "../domain/inbox-counts.js";
import type {
  EventBus,
  EventBusStats,
  EventListener,
  EventSource,
  Unsubscribe,
} from "../streams/event-bus.js";
import type { InboxEvent } from "../streams/inbox-event.js";

/** An inbox event with the inbox view's counts after it, as live streams send it. */
export interface CountedEvent {
  readonly event: InboxEvent;
  readonly counts: InboxCounts;
}

/** What one read of the inbox gives a batch of events: the counts, and each event settled. */
export interface BatchView {
  readonly counts: InboxCounts;
  /** The events to send for one event received (see `settleEvent`). */
  settle(event: InboxEvent): readonly InboxEvent[];
}

/** One user's feed on this instance: one listener on the bus, many streams. */
interface Feed {
  readonly username: string;
  readonly listeners: Set<EventListener<CountedEvent>>;
  /** Events received and not yet counted. */
  pending: InboxEvent[];
  counting: boolean;
  closed: boolean;
  joined: Promise<void>;
  leaveBus: Unsubscribe | undefined;
}

/**
 * Adds counts to live events (contract §7.5) where they are needed: on the
 * instance that has subscribers of the user, once per batch, and settles
 * each event against the same read. Creates and
 * marks publish bare events, so producers never pay for counting; here each
 * user with local streams has one listener on the bus, and the events that
 * arrive while a count is read are counted together by the next read, which
 * happens after storage acknowledged all of them. So every stream of a user,
 * on every instance, ends on the counts of the last change, read from
 * storage: two devices converge.
 *
 * A count that cannot be read ends the user's streams here with
 * UNAVAILABLE (they resume and get a fresh state), and so does a backlog of
 * more than `maxPending` events: a stream never carries stale counts silently.
 */
export class CountedFeeds implements EventSource<CountedEvent> {
  private readonly feeds = new Map<string, Feed>();

  /**
   * @param view reads the user's inbox from storage: its inbox-view counts,
   *   and how to settle events against it.
   * @param maxPending the most events waiting for one count.
   */
  constructor(
    private readonly bus: EventBus,
    private readonly view: (username: string) => Promise<BatchView>,
    private readonly maxPending: number,
  ) {}

  /**
   * Users with streams on this instance (`channels`: each holds one listener
   * on the bus) and their streams (`listeners`); both return to zero when
   * every stream ends.
   */
  stats(): EventBusStats {
    let listeners = 0;
    for (const feed of this.feeds.values()) listeners += feed.listeners.size;
    return { channels: this.feeds.size, listeners };
  }

  async subscribe(username: string, listener: EventListener<CountedEvent>): Promise<Unsubscribe> {
    const feed = this.feeds.get(username) ?? this.open(username);
    feed.listeners.add(listener);
    try {
      await feed.joined;
    } catch (error) {
      this.leave(feed, listener);
      throw error;
    }
    return () => this.leave(feed, listener);
  }

  private open(username: string): Feed {
    const feed: Feed = {
      username,
      listeners: new Set(),
      pending: [],
      counting: false,
      closed: false,
      joined: Promise.resolve(),
      leaveBus: undefined,
    };
    this.feeds.set(username, feed);
    feed.joined = this.bus
      .subscribe(username, {
        event: (event) => this.received(feed, event),
        lost: (error) => this.end(feed, error),
      })
      .then((leaveBus) => {
        if (feed.closed) leaveBus();
        else feed.leaveBus = leaveBus;
      });
    return feed;
  }

  private received(feed: Feed, event: InboxEvent): void {
    if (feed.closed) return;
    feed.pending.push(event);
    if (feed.pending.length > this.maxPending) {
      this.end(
        feed,
        new ConnectError(
          `more than ${this.maxPending} inbox events waited for their counts; resubscribe with after to catch up`,
          Code.ResourceExhausted,
        ),
      );
      return;
    }
    if (!feed.counting) void this.drain(feed);
  }

  /** Counts and hands out batches until none waits. */
  private async drain(feed: Feed): Promise<void> {
    feed.counting = true;
    while (!feed.closed && feed.pending.length > 0) {
      const batch = feed.pending;
      feed.pending = [];
      let view: BatchView;
      try {
        view = await this.view(feed.username);
      } catch (error) {
        this.end(
          feed,
          new ConnectError(
            "the inbox counts could not be read; resubscribe with after to catch up",
            Code.Unavailable,
            undefined,
            undefined,
            error,
          ),
        );
        return;
      }
      if (feed.closed) return;
      const { counts } = view;
      for (const received of batch) {
        for (const event of view.settle(received)) {
          // A listener may leave while it is handed an event: iterate a copy.
          for (const listener of [...feed.listeners]) listener.event({ event, counts });
        }
      }
    }
    feed.counting = false;
  }

  private leave(feed: Feed, listener: EventListener<CountedEvent>): void {
    feed.listeners.delete(listener);
    if (feed.listeners.size === 0) this.close(feed);
  }

  /** Ends every stream of the feed with `error`. */
  private end(feed: Feed, error: ConnectError): void {
    if (feed.closed) return;
    const listeners = [...feed.listeners];
    this.close(feed);
    for (const listener of listeners) listener.lost(error);
  }

  private close(feed: Feed): void {
    if (feed.closed) return;
    feed.closed = true;
    feed.listeners.clear();
    feed.pending = [];
    if (this.feeds.get(feed.username) === feed) this.feeds.delete(feed.username);
    feed.leaveBus?.();
  }
}
