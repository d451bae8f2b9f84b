import { Code } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import type { InboxCounts } from "../../src/domain/inbox-counts.js";
import {
  type BatchView,
  type CountedEvent,
  CountedFeeds,
} from "../../src/services/counted-feeds.js";
import type { InboxEvent } from "../../src/streams/inbox-event.js";
import { LocalEventBus } from "../../src/streams/local-event-bus.js";
import { openSubscription, type Subscription } from "../../src/streams/subscription.js";

// The counted feeds (contract §7.5): counts are read once per batch of events
// per user, on the instance with subscribers, and a count that cannot be read
// ends the streams rather than sending stale counts.

const seen = (cursor: string): InboxEvent => ({ kind: "seen", cursor });

/** A view whose reads wait until released, counting how many were made. */
function gatedViews() {
  const reads: ((view: BatchView) => void)[] = [];
  let made = 0;
  return {
    get made() {
      return made;
    },
    view: () =>
      new Promise<BatchView>((resolve) => {
        made++;
        reads.push(resolve);
      }),
    /** Answers the oldest waiting read with `total` as every count. */
    answer(total: number) {
      const counts: InboxCounts = { total, unseen: total, unread: total };
      reads.shift()?.({ counts, settle: (event) => [event] });
    },
  };
}

async function drain(subscription: Subscription<CountedEvent>, count: number) {
  const out: CountedEvent[] = [];
  for (let i = 0; i < count; i++) {
    const next = await subscription.next(10_000);
    if (next) out.push(next);
  }
  return out;
}

describe("CountedFeeds", () => {
  it("reads counts once per batch, however many events and streams of the user", async () => {
    const bus = new LocalEventBus();
    const views = gatedViews();
    const feeds = new CountedFeeds(bus, views.view, 100);
    const signal = new AbortController().signal;
    const phone = await openSubscription(feeds, "ann", 100, signal);
    const laptop = await openSubscription(feeds, "ann", 100, signal);
    await bus.publish("ann", seen("1"));
    // While the first count is read, four more events come: they wait for one read.
    for (const cursor of ["2", "3", "4", "5"]) await bus.publish("ann", seen(cursor));
    expect(views.made).toBe(1);
    views.answer(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(views.made).toBe(2);
    views.answer(5);
    for (const stream of [phone, laptop]) {
      const events = await drain(stream, 5);
      expect(events.map((e) => [e.event, e.counts.total])).toEqual([
        [seen("1"), 1],
        [seen("2"), 5],
        [seen("3"), 5],
        [seen("4"), 5],
        [seen("5"), 5],
      ]);
    }
    expect(feeds.stats()).toEqual({ channels: 1, listeners: 2 });
    expect(bus.stats()).toEqual({ channels: 1, listeners: 1 });
    phone.close();
    laptop.close();
    expect(feeds.stats()).toEqual({ channels: 0, listeners: 0 });
    expect(bus.stats()).toEqual({ channels: 0, listeners: 0 });
  });

  it("ends the user's streams with UNAVAILABLE when the counts cannot be read", async () => {
    const bus = new LocalEventBus();
    const feeds = new CountedFeeds(bus, () => Promise.reject(new Error("storage is down")), 100);
    const stream = await openSubscription(feeds, "ann", 100, new AbortController().signal);
    await bus.publish("ann", seen("1"));
    await expect(stream.next(10_000)).rejects.toMatchObject({
      code: Code.Unavailable,
      rawMessage: expect.stringMatching(/counts could not be read; resubscribe with after/),
    });
    expect(bus.stats()).toEqual({ channels: 0, listeners: 0 });
  });

  it("ends them with RESOURCE_EXHAUSTED when more events wait for one count than a queue holds", async () => {
    const bus = new LocalEventBus();
    const views = gatedViews();
    const feeds = new CountedFeeds(bus, views.view, 3);
    const stream = await openSubscription(feeds, "ann", 100, new AbortController().signal);
    for (const cursor of ["1", "2", "3", "4", "5"]) await bus.publish("ann", seen(cursor));
    await expect(stream.next(10_000)).rejects.toMatchObject({ code: Code.ResourceExhausted });
    expect(feeds.stats()).toEqual({ channels: 0, listeners: 0 });
    views.answer(1);
  });

  it("passes the bus's loss on to every stream of the user", async () => {
    const bus = new LocalEventBus();
    const feeds = new CountedFeeds(bus, gatedViews().view, 3);
    const stream = await openSubscription(feeds, "ann", 100, new AbortController().signal);
    await bus.close();
    await expect(stream.next(10_000)).rejects.toMatchObject({ code: Code.Unavailable });
    await expect(
      openSubscription(feeds, "ann", 100, new AbortController().signal),
    ).rejects.toMatchObject({ code: Code.Unavailable });
    expect(feeds.stats()).toEqual({ channels: 0, listeners: 0 });
  });
});
