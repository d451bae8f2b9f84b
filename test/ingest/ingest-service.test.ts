import { type Client, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { sample, scrape } from "../operability/metrics-text.js";
import { type RedisServer, redisServerProgram, startRedisServer } from "../streams/redis-server.js";
import { captureLogs } from "../support/log-capture.js";
import { type RiakTestCluster, startRiakTestCluster } from "../support/riak-node/index.js";
import {
  type ConfigOverrides,
  type ServiceUnderTest,
  startServiceUnderTest,
} from "../support/service-under-test.js";
import { groupInfo, quietRedisClient } from "./stream-group.js";

const patiently = { timeout: 20_000, interval: 20 } as const;

// The service consuming a real redis-server's stream: what a producer
// publishes is stored (or dead-lettered), through the service's create path.
describe.skipIf(redisServerProgram === undefined)("ingestion in the service", () => {
  let redis: RedisServer;
  let admin: Redis;
  let streams = 0;
  beforeAll(async () => {
    redis = await startRedisServer();
    admin = quietRedisClient(redis.url);
  });
  afterAll(async () => {
    admin.disconnect();
    await redis.kill();
  });

  const ingesting = (stream: string, overrides: ConfigOverrides = {}): ConfigOverrides => ({
    ...overrides,
    redis: { url: redis.url },
    ingest: { redis_stream: stream, ...overrides.ingest },
  });
  const client = (sut: ServiceUnderTest): Client<typeof NotificationService> =>
    createClient(
      NotificationService,
      createConnectTransport({ baseUrl: sut.baseUrl, httpVersion: "1.1" }),
    );
  const publish = (stream: string, request: unknown) =>
    admin.xadd(
      stream,
      "*",
      "request",
      typeof request === "string" ? request : JSON.stringify(request),
    ) as Promise<string>;
  /** Resolves once every entry of the stream has been read and acknowledged. */
  const drained = async (stream: string) => {
    await expect
      .poll(async () => {
        const { lag, pending } = await groupInfo(admin, stream);
        return { lag, pending };
      }, patiently)
      .toEqual({ lag: 0, pending: 0 });
  };
  const deadLetters = async (stream: string) =>
    (await admin.xrange(`${stream}:dead`, "-", "+")).map(([, fields]) => {
      const map = new Map<string, string>();
      for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] ?? "", fields[i + 1] ?? "");
      return Object.fromEntries(map);
    });
  const messagesOf = async (sut: ServiceUnderTest, username: string) =>
    (await client(sut).listNotifications({ username, pageSize: 1000 })).notifications.map(
      (n) => n.message,
    );

  describe("on the embedded store", () => {
    let sut: ServiceUnderTest;
    const stream = `service-${++streams}`;
    beforeAll(async () => {
      sut = await startServiceUnderTest("embedded", ingesting(stream));
    });
    afterAll(async () => {
      await sut.close();
    });

    it("stores what producers publish, single and fan-out, and dead-letters the rest", async () => {
      await publish(stream, { username: "ann", category: "like", message: "one" });
      await publish(stream, {
        usernames: ["bob", "cid"],
        category: "like",
        message: "both",
        properties: { post: "7" },
      });
      const badCategory = await publish(stream, { username: "ann", category: "x", message: "m" });
      const notJson = await publish(stream, "{oops");
      const badFanOut = await publish(stream, {
        usernames: ["dan", "e v"],
        category: "like",
        message: "partly",
      });
      const noField = (await admin.xadd(stream, "*", "body", "{}")) as string;
      await drained(stream);

      expect(await messagesOf(sut, "ann")).toEqual(["one"]);
      expect(await messagesOf(sut, "bob")).toEqual(["both"]);
      expect(await messagesOf(sut, "cid")).toEqual(["both"]);
      // The valid part of a partly invalid fan-out is stored; the entry is dead-lettered.
      expect(await messagesOf(sut, "dan")).toEqual(["partly"]);
      // Entries are processed concurrently: letters come in the order they were written.
      const letters = (await deadLetters(stream)).sort((x, y) =>
        (x.entry ?? "").localeCompare(y.entry ?? ""),
      );
      expect(letters.map((l) => [l.entry, l.error])).toEqual([
        [badCategory, "category must be 3 to 20 characters (got 1)"],
        [notJson, expect.stringMatching(/^request is not JSON: /)],
        [
          badFanOut,
          'usernames[1] must be 1 to 128 characters of A-Z a-z 0-9 . _ - @ + (got "e v") (for 1 user)',
        ],
        [noField, 'the entry has no request field holding the request\'s JSON (it has "body")'],
      ]);
      // What a producer needs to fix and publish again: the request, and the
      // key that keeps a replay from doubling what was stored.
      expect(letters[0]).toMatchObject({
        request: '{"username":"ann","category":"x","message":"m"}',
        idempotency_key: `redis-stream:${badCategory}`,
      });
      expect(letters[3]?.fields).toBe('{"body":"{}"}');

      const metrics = await scrape(sut.adminUrl);
      expect(sample(metrics, "notification_ingest_entries_total", { outcome: "stored" })).toBe(2);
      expect(
        sample(metrics, "notification_ingest_entries_total", { outcome: "dead_lettered" }),
      ).toBe(4);
      expect(sample(metrics, "notification_ingest_lag")).toBe(0);
      expect(sample(metrics, "notification_ingest_pending")).toBe(0);
      expect(sample(metrics, "notification_ingest_in_flight")).toBe(0);
      expect(sample(metrics, "notification_ingest_delay_seconds_count")).toBe(2);
    });

    it("reads again once Redis is back after a crash (an empty Redis: the group is created again)", async () => {
      await redis.restart();
      admin.disconnect();
      admin = quietRedisClient(redis.url);
      await expect
        .poll(
          async () => {
            await publish(stream, { username: "hal", category: "like", message: "back" });
            return messagesOf(sut, "hal");
          },
          { timeout: 30_000, interval: 500 },
        )
        .not.toEqual([]);
      await drained(stream);
      expect(new Set(await messagesOf(sut, "hal"))).toEqual(new Set(["back"]));
    });
  });

  it("starts while Redis cannot be reached, says so, and stops promptly", async () => {
    const { logger, lines } = captureLogs();
    const sut = await startServiceUnderTest(
      "embedded",
      {
        redis: { url: "redis://127.0.0.1:1" },
        ingest: { redis_stream: "nowhere", retry_max_ms: 100 },
      },
      { logger },
    );
    try {
      await expect
        .poll(() => lines.some((l) => String(l.msg).startsWith("ingestion cannot read")), patiently)
        .toBe(true);
      const warning = lines.find((l) => String(l.msg).startsWith("ingestion cannot read"));
      expect(warning?.level).toBe(40);
      expect(warning?.msg).toMatch(
        /^ingestion cannot read from Redis stream "nowhere" \(group "notification-service", consumer "[^"]+"\); retrying$/,
      );
      // Once per outage, not once per attempt.
      expect(lines.filter((l) => l === warning || l.msg === warning?.msg)).toHaveLength(1);
    } finally {
      await sut.close();
    }
    expect(lines.some((l) => String(l.msg).startsWith("ingestion stopped"))).toBe(true);
  });

  describe("on Riak, with two instances", () => {
    let riak: RiakTestCluster;
    let a: ServiceUnderTest;
    let b: ServiceUnderTest;
    const stream = `service-${++streams}`;
    beforeAll(async () => {
      riak = await startRiakTestCluster({
        nodes: 2,
        bucketTypes: { notifications: { allowMult: true, dvvEnabled: true } },
      });
      const instance = (consumer: string, drainMs: number) =>
        startServiceUnderTest(
          "embedded",
          ingesting(stream, {
            riak: { nodes: riak.nodeList, attempts: 2, timeout_ms: 500 },
            // Long: what b takes from a below comes from a's release, not from a's idleness.
            ingest: { consumer, claim_idle_ms: 600_000, retry_max_ms: 200 },
            server: { drain_ms: drainMs },
          }),
        );
      a = await instance("a", 300);
      b = await instance("b", 5000);
    });
    afterAll(async () => {
      await Promise.all([a.close(), b.close()]);
      await riak.close();
    });

    it("waits out a storage outage, then stores; an instance that stops releases what it holds to the other", async () => {
      await Promise.all(riak.nodes.map((node) => node.stop()));
      try {
        // Only a consumes for now.
        await b.service.ingest?.stop(0);
        const ids = [
          await publish(stream, { username: "fay", category: "like", message: "during" }),
          await publish(stream, { username: "gus", category: "like", message: "outage" }),
        ];
        await expect
          .poll(
            async () =>
              sample(await scrape(a.adminUrl), "notification_ingest_retries_total", {
                reason: "storage",
              }) ?? 0,
            patiently,
          )
          .toBeGreaterThanOrEqual(2);
        // Retried, never dead-lettered, never acknowledged.
        expect(await deadLetters(stream)).toEqual([]);
        const held = (await admin.xpending(stream, "notification-service", "-", "+", 10)) as [
          string,
          string,
        ][];
        expect(held.map(([id, owner]) => [id, owner])).toEqual(ids.map((id) => [id, "a"]));

        // a stops while storage is still out: after its drain it releases both.
        await a.close();
        const released = (await admin.xpending(stream, "notification-service", "-", "+", 10)) as [
          string,
          string,
          number,
        ][];
        expect(released.map(([id, owner]) => [id, owner])).toEqual(ids.map((id) => [id, "a"]));
        expect(released.every(([, , idle]) => idle > 600_000)).toBe(true);
      } finally {
        await Promise.all(riak.nodes.map((node) => node.start()));
      }
      // A fresh instance c claims them at once, though claim_idle_ms is ten minutes.
      const c = await startServiceUnderTest(
        "embedded",
        ingesting(stream, {
          riak: { nodes: riak.nodeList },
          ingest: { consumer: "c", claim_idle_ms: 600_000 },
        }),
      );
      try {
        await drained(stream);
        expect(await messagesOf(c, "fay")).toEqual(["during"]);
        expect(await messagesOf(c, "gus")).toEqual(["outage"]);
        expect(await deadLetters(stream)).toEqual([]);
        const metrics = await scrape(c.adminUrl);
        expect(sample(metrics, "notification_ingest_claimed_total")).toBe(2);
      } finally {
        await c.close();
      }
    });
  });
});
