import { type Client, Code, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { Redis } from "ioredis";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import type { RedisEventBus } from "../../src/streams/redis-event-bus.js";
import type { ServiceUnderTest } from "../support/service-under-test.js";
import { createNotification } from "./create-notification.js";
import { type RedisServer, redisServerProgram } from "./redis-server.js";
import { patiently } from "./stream-reader.js";
import { useTwoInstances } from "./two-instances.js";

// Skipped, with one line naming the Debian package, where redis-server is not installed.
const describeWithRedis = describe.skipIf(redisServerProgram === undefined);

// Two service instances on one Riak cluster (the production layout), fanning
// live events out over a real redis-server.
describeWithRedis("Subscribe across instances over Redis", () => {
  const instances = useTwoInstances();
  const { subscribe } = instances;
  let a: ServiceUnderTest;
  let b: ServiceUnderTest;
  let redis: RedisServer;
  beforeAll(() => {
    ({ a, b, redis } = instances);
  });
  let users = 0;

  const client = (sut: ServiceUnderTest): Client<typeof NotificationService> =>
    createClient(
      NotificationService,
      createConnectTransport({ baseUrl: sut.baseUrl, httpVersion: "1.1" }),
    );
  const create = async (sut: ServiceUnderTest, username: string) =>
    (await createNotification(client(sut), username)).id;

  it("a subscriber on one instance receives what is created and deleted through either", async () => {
    const username = `fan-${users++}`;
    const grpc = subscribe(a, username);
    const browser = subscribe(a, username, "", "Connect over HTTP/1.1");
    await Promise.all([grpc.live(), browser.live()]);
    const fromB = await create(b, username);
    const fromA = await create(a, username);
    await client(b).deleteNotifications({ username, ids: [fromA] });
    for (const reader of [grpc, browser]) {
      await reader.until((r) => r.kinds().includes("deleted"), "the deletion through b");
      expect(reader.ids()).toEqual([fromB, fromA]);
      expect(reader.kinds()).toEqual(["state", "notification", "notification", "deleted"]);
    }
    // One Redis subscription, and one listener on it, serve both streams of the user on instance a.
    expect(a.service.app.streams.stats()).toEqual({ channels: 1, listeners: 2 });
    expect(a.service.events.stats()).toEqual({ channels: 1, listeners: 1 });
  });

  it("a client that reconnects to the other instance gets what was created while it was away, once", async () => {
    for (let round = 0; round < 5; round++) {
      const username = `roam-${users++}`;
      const first = subscribe(a, username);
      await first.live();
      const seen = [await create(a, username), await create(b, username)];
      await first.until((r) => r.ids().length === 2, "the first two");
      await first.cancel();
      // Ids of different instances are ordered to the second only: start the
      // creates that follow in a later second than everything the client holds.
      const held = Math.floor(Date.now() / 1000);
      await vi.waitFor(
        () => expect(Math.floor(Date.now() / 1000), "the next second").toBeGreaterThan(held),
        patiently,
      );
      const after = [...first.ids()].sort().at(-1) ?? "";
      const created: string[] = [];
      let stop = false;
      const writer = async (sut: ServiceUnderTest) => {
        while (!stop) created.push(await create(sut, username));
      };
      const writers = Promise.all([writer(a), writer(b)]);
      await vi.waitFor(
        () => expect(created.length, "creates while away").toBeGreaterThanOrEqual(4),
        patiently,
      );
      const second = subscribe(b, username, after);
      await second.live();
      const liveFrom = created.length;
      await vi.waitFor(
        () =>
          expect(created.length, "creates after reconnecting").toBeGreaterThanOrEqual(liveFrom + 4),
        patiently,
      );
      stop = true;
      await writers;
      await second.until(
        (r) => created.every((id) => r.ids().includes(id)),
        `round ${round}: everything created`,
      );
      expect(second.ids().length, `round ${round}: no duplicate`).toBe(created.length);
      expect(new Set([...seen, ...second.ids()]).size).toBe(seen.length + created.length);
      await second.cancel();
    }
  });

  it("ends streams with UNAVAILABLE when Redis goes away, keeps creating, and streams again once it is back", async () => {
    const username = `outage-${users++}`;
    const onA = subscribe(a, username);
    const onB = subscribe(b, username, "", "Connect over HTTP/1.1");
    await Promise.all([onA.live(), onB.live()]);
    await redis.kill();
    expect((await onA.finished())?.code).toBe(Code.Unavailable);
    expect((await onB.finished())?.code).toBe(Code.Unavailable);

    // Creating keeps working, and is stored.
    const during = await create(a, username);
    const listed = await client(b).listNotifications({ username });
    expect(listed.notifications.map((n) => n.id)).toEqual([during]);
    // A new subscriber is told rather than left without live events.
    const refused = subscribe(a, username);
    expect((await refused.finished())?.code).toBe(Code.Unavailable);

    await redis.restart();
    // b publishes on a connection of its own, which may come back after a's
    // subscriber connection: wait for it, or b's event could be lost (README,
    // "What streams do not cover").
    await vi.waitFor(() => (b.service.events as RedisEventBus).ping(), patiently);
    // One attempt may itself wait long for its first event; vi.waitFor's limit
    // counts that wait too, so this one gets most of the test's 30 s.
    const back = await vi.waitFor(
      async () => {
        const reader = subscribe(a, username);
        await reader.until((r) => r.events.length > 0 || r.ended, "the state or an error");
        expect(reader.ended, `a stream once Redis is back (${reader.error?.message})`).toBe(false);
        return reader;
      },
      { ...patiently, timeout: 25_000 },
    );
    const after = await create(b, username);
    await back.until((r) => r.ids().includes(after), "a notification through b after the outage");
  });

  it("holds no listener nor Redis subscription after many subscribe and cancel cycles", async () => {
    for (let i = 0; i < 40; i++) {
      const reader = subscribe(i % 2 ? a : b, `cycle-${i % 4}`);
      if (i % 3 === 0) await reader.live();
      await reader.cancel();
    }
    const admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    try {
      await vi.waitFor(async () => {
        expect([a, b].map((s) => s.service.app.streams.stats().listeners)).toEqual([0, 0]);
        expect(await admin.pubsub("CHANNELS", "*"), "Redis subscriptions").toEqual([]);
      }, patiently);
    } finally {
      admin.disconnect();
    }
    for (const sut of [a, b]) {
      expect(sut.service.app.streams.stats()).toEqual({ channels: 0, listeners: 0 });
      expect(sut.service.events.stats()).toEqual({ channels: 0, listeners: 0 });
    }
  });
});
