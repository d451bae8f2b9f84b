import { Code, type ConnectError } from "@connectrpc/connect";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { StoredNotification } from "../../src/domain/notification.js";
import type { EventListener } from "../../src/streams/event-bus.js";
import type { InboxEvent } from "../../src/streams/inbox-event.js";
import { RedisEventBus } from "../../src/streams/redis-event-bus.js";
import { testRedisOptions } from "../support/module-options.js";
import { type RedisServer, redisServerProgram, startRedisServer } from "./redis-server.js";
import { patiently } from "./stream-reader.js";

const prefix = "test.inbox:";

/** A listener that records what it is told. */
function recorder() {
  const events: InboxEvent[] = [];
  let lost: ConnectError | undefined;
  const listener: EventListener = {
    event: (event) => events.push(event),
    lost: (error) => {
      lost = error;
    },
  };
  return { listener, events, lost: () => lost };
}

const notification = (id: string): StoredNotification => ({
  id,
  category: "like",
  message: "hi",
  createdAt: 1_700_000_000_000,
  properties: { a: "b" },
});

// Skipped, with one line naming the Debian package, where redis-server is not installed.
const describeWithRedis = describe.skipIf(redisServerProgram === undefined);

describeWithRedis("RedisEventBus against a real redis-server", () => {
  let redis: RedisServer;
  let admin: Redis;
  const buses: RedisEventBus[] = [];
  const bus = () => {
    const created = new RedisEventBus(testRedisOptions(redis.url, { channelPrefix: prefix }));
    buses.push(created);
    return created;
  };
  const subscribers = async (username: string) => {
    const [, count] = (await admin.pubsub("NUMSUB", prefix + username)) as [string, number];
    return count;
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    admin.on("error", () => {}); // it reconnects once the killed server is back
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });
  afterAll(async () => {
    admin.disconnect();
    await redis.kill();
  });

  it("ping answers once Redis does, and fails within the command timeout when nothing listens", async () => {
    await expect(bus().ping()).resolves.toBeUndefined();
    const nowhere = new RedisEventBus(
      testRedisOptions("redis://127.0.0.1:1", { commandTimeoutMs: 200 }),
    );
    buses.push(nowhere);
    await expect(nowhere.ping()).rejects.toThrow(/not connected within 200 ms/);
  });

  it("delivers what one instance publishes to the listeners of another, in order", async () => {
    const [a, b] = [bus(), bus()];
    const ann = recorder();
    const bob = recorder();
    await b.subscribe("ann", ann.listener);
    await b.subscribe("bob", bob.listener);
    const events: InboxEvent[] = [
      { kind: "created", notification: notification("1") },
      { kind: "deleted", ids: ["1"] },
      { kind: "cleared", upTo: "2", ids: ["3"] },
    ];
    for (const event of events) await a.publish("ann", event);
    await vi.waitFor(() => expect(ann.events, "three events").toHaveLength(3), patiently);
    expect(ann.events).toEqual(events);
    expect(bob.events).toEqual([]);
  });

  it("holds one Redis subscription per user with local listeners, and none once they leave", async () => {
    const b = bus();
    const [one, two] = [recorder(), recorder()];
    const leaveOne = await b.subscribe("carol", one.listener);
    const leaveTwo = await b.subscribe("carol", two.listener);
    expect(await subscribers("carol")).toBe(1);
    expect(b.stats()).toEqual({ channels: 1, listeners: 2 });
    leaveOne();
    leaveOne();
    expect(await subscribers("carol")).toBe(1);
    leaveTwo();
    await vi.waitFor(
      async () => expect(await subscribers("carol"), "UNSUBSCRIBE").toBe(0),
      patiently,
    );
    expect(b.stats()).toEqual({ channels: 0, listeners: 0 });

    // Joining and leaving over and over, interleaved, ends with nothing held.
    const leaves = await Promise.all(
      Array.from({ length: 50 }, (_, i) => b.subscribe(`dave-${i % 5}`, recorder().listener)),
    );
    for (const leave of leaves) leave();
    await vi.waitFor(
      async () =>
        expect(await admin.pubsub("CHANNELS", `${prefix}*`), "channels subscribed").toEqual([]),
      patiently,
    );
    expect(b.stats()).toEqual({ channels: 0, listeners: 0 });
  });

  it("ends the listeners of a user whose channel carries an event it cannot read", async () => {
    const b = bus();
    const erin = recorder();
    await b.subscribe("erin", erin.listener);
    await admin.publish(`${prefix}erin`, "{not json");
    await vi.waitFor(() => expect(erin.lost(), "the listener to be told").toBeDefined(), patiently);
    expect(erin.lost()?.code).toBe(Code.Unavailable);
    expect(b.stats()).toEqual({ channels: 0, listeners: 0 });
  });

  it("tells the listeners when Redis hangs with the connection open, and recovers when it answers", async () => {
    const b = new RedisEventBus({
      url: redis.url,
      channelPrefix: prefix,
      commandTimeoutMs: 200,
      healthCheckMs: 50,
    });
    buses.push(b);
    const hank = recorder();
    await b.subscribe("hank", hank.listener);
    redis.freeze();
    try {
      await vi.waitFor(
        () => expect(hank.lost(), "the listener to be told").toBeDefined(),
        patiently,
      );
    } finally {
      redis.thaw();
    }
    expect(hank.lost()?.code).toBe(Code.Unavailable);
    expect(b.stats()).toEqual({ channels: 0, listeners: 0 });
    const again = recorder();
    // Refused while the bus reconnects; retried until it is taken.
    await vi.waitFor(() => b.subscribe("hank", again.listener), patiently);
    expect(b.stats()).toEqual({ channels: 1, listeners: 1 });
  });

  it("tells every listener when Redis goes away, keeps publishing harmless, and recovers when it is back", async () => {
    const [a, b] = [bus(), bus()];
    const frank = recorder();
    const gina = recorder();
    await b.subscribe("frank", frank.listener);
    await b.subscribe("gina", gina.listener);
    await redis.kill();
    await vi.waitFor(() => {
      expect(frank.lost(), "frank told").toBeDefined();
      expect(gina.lost(), "gina told").toBeDefined();
    }, patiently);
    expect(frank.lost()?.code).toBe(Code.Unavailable);
    expect(frank.lost()?.rawMessage).toMatch(/lost the connection to Redis/);
    expect(b.stats()).toEqual({ channels: 0, listeners: 0 });

    // Publishing resolves (the write it follows must not fail) and joining is
    // refused, without Redis's words (which can name its host and port).
    await expect(a.publish("frank", { kind: "deleted", ids: ["x"] })).resolves.toBeUndefined();
    await expect(b.subscribe("frank", recorder().listener)).rejects.toMatchObject({
      code: Code.Unavailable,
      rawMessage: "live events are unavailable: Redis did not accept the subscription; retry later",
    });
    expect(b.stats()).toEqual({ channels: 0, listeners: 0 });

    await redis.restart();
    const again = recorder();
    // Refused until the bus has reconnected; retried until it is taken.
    await vi.waitFor(() => b.subscribe("frank", again.listener), patiently);
    await vi.waitFor(async () => {
      await a.publish("frank", { kind: "deleted", ids: ["y"] });
      expect(again.events, "an event through the restarted Redis").not.toEqual([]);
    }, patiently);
    expect(again.events[0]).toEqual({ kind: "deleted", ids: ["y"] });
  });
});
