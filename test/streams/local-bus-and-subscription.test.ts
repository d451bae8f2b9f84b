import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import type { InboxEvent } from "../../src/streams/inbox-event.js";
import { LocalEventBus } from "../../src/streams/local-event-bus.js";
import { openSubscription } from "../../src/streams/subscription.js";

const deleted = (id: string): InboxEvent => ({ kind: "deleted", ids: [id] });

describe("LocalEventBus and subscriptions", () => {
  it("delivers a user's events to that user's subscriptions only, in order", async () => {
    const bus = new LocalEventBus();
    const ann = await openSubscription(bus, "ann", 10, new AbortController().signal);
    const bob = await openSubscription(bus, "bob", 10, new AbortController().signal);
    await bus.publish("ann", deleted("1"));
    await bus.publish("ann", deleted("2"));
    expect(await ann.next(10_000)).toEqual(deleted("1"));
    expect(await ann.next(10_000)).toEqual(deleted("2"));
    expect(await bob.next(1)).toBeUndefined();
    expect(bus.stats()).toEqual({ channels: 2, listeners: 2 });
    ann.close();
    ann.close();
    bob.close();
    expect(bus.stats()).toEqual({ channels: 0, listeners: 0 });
  });

  it("leaves the bus the moment its queue overflows, before anyone reads", async () => {
    const bus = new LocalEventBus();
    const slow = await openSubscription(bus, "slow", 2, new AbortController().signal);
    for (const id of ["1", "2", "3", "4"]) await bus.publish("slow", deleted(id));
    expect(bus.stats()).toEqual({ channels: 0, listeners: 0 });
    await expect(slow.next(10_000)).rejects.toMatchObject({ code: Code.ResourceExhausted });
  });

  it("leaves the bus when its stream's signal aborts, ending with the abort's reason", async () => {
    const bus = new LocalEventBus();
    const controller = new AbortController();
    const subscription = await openSubscription(bus, "ann", 2, controller.signal);
    const waiting = subscription.next(10_000);
    controller.abort(new ConnectError("the server is shutting down", Code.Unavailable));
    await expect(waiting).rejects.toMatchObject({ code: Code.Unavailable });
    expect(bus.stats()).toEqual({ channels: 0, listeners: 0 });
    await expect(openSubscription(bus, "ann", 2, controller.signal)).rejects.toMatchObject({
      code: Code.Unavailable,
    });
    expect(bus.stats()).toEqual({ channels: 0, listeners: 0 });
  });

  it("tells every subscription when the bus closes", async () => {
    const bus = new LocalEventBus();
    const subscription = await openSubscription(bus, "ann", 2, new AbortController().signal);
    await bus.close();
    let error: ConnectError | undefined;
    await subscription.next(10_000).catch((e: ConnectError) => {
      error = e;
    });
    expect(error?.code).toBe(Code.Unavailable);
    await expect(
      openSubscription(bus, "ann", 2, new AbortController().signal),
    ).rejects.toMatchObject({ code: Code.Unavailable });
  });
});
