import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { type RedisServer, redisServerProgram, startRedisServer } from "../streams/redis-server.js";
import {
  type ChildService,
  childServiceTestTimeoutMs,
  startChildService,
} from "../support/child-service.js";
import { type RiakTestCluster, startRiakTestCluster } from "../support/riak-node/index.js";
import { groupInfo, quietRedisClient } from "./stream-group.js";

const total = 10_000;
const users = 100;
const stream = "kill-nine";
const group = "notification-service";

/** What entry `i` is: a valid create, a valid fan-out, or one of several kinds of invalid entry. */
function entryFields(i: number): string[] {
  if (i % 20 === 7) {
    // Invalid, 500 of them, of five kinds: caught by the parser, the
    // service's validation, or the source.
    const kind = ((i / 20) % 5) | 0;
    if (kind === 0) return ["request", `{"username":"u1","category":`];
    if (kind === 1)
      return ["request", JSON.stringify({ username: "u1", category: "x", message: `m${i}` })];
    if (kind === 2) return ["request", JSON.stringify({ username: "u1", bogus: true })];
    if (kind === 3) return ["payload", "{}"];
    return ["request", JSON.stringify({ username: "u1", usernames: ["u2"] })];
  }
  if (i % 50 === 3) {
    return [
      "request",
      JSON.stringify({ usernames: fanOutUsers(i), category: "fan-out", message: `m${i}` }),
    ];
  }
  return [
    "request",
    JSON.stringify({ username: `u${i % users}`, category: "single", message: `m${i}` }),
  ];
}
const isInvalid = (i: number) => i % 20 === 7;
const isFanOut = (i: number) => !isInvalid(i) && i % 50 === 3;
const fanOutUsers = (i: number) => [`u${i % users}`, `u${(i + 1) % users}`, `u${(i + 2) % users}`];

// The proof of issue 19: two service instances (child processes) share a
// consumer group on a real redis-server and store into one Riak cluster;
// one is killed with SIGKILL while it holds entries. The other claims them
// after claim_idle_ms and replays them under their idempotency keys.
describe.skipIf(redisServerProgram === undefined)("ingestion across a kill -9", () => {
  let redis: RedisServer;
  let riak: RiakTestCluster;
  let admin: Redis;
  const children: ChildService[] = [];

  beforeAll(async () => {
    [redis, riak] = await Promise.all([
      startRedisServer(),
      startRiakTestCluster({
        nodes: 3,
        bucketTypes: { notifications: { allowMult: true, dvvEnabled: true } },
      }),
    ]);
    admin = quietRedisClient(redis.url);
  }, childServiceTestTimeoutMs);
  afterAll(async () => {
    for (const child of children) child.child.kill("SIGKILL");
    admin.disconnect();
    await riak.close();
    await redis.kill();
  });

  const pendingOf = async (consumer: string) =>
    ((await admin.xpending(stream, group, "-", "+", 10_000, consumer)) as [string][]).map(
      ([id]) => id,
    );
  const publish = async (from: number, to: number) => {
    const pipeline = admin.pipeline();
    for (let i = from; i < to; i++) pipeline.xadd(stream, "*", ...entryFields(i));
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, id]) => {
      if (error) throw error;
      return id as string;
    });
  };

  it(`stores each of ${total} entries exactly once, dead-letters each invalid one once, and leaves nothing pending`, async () => {
    const env = {
      RIAK_NODES: riak.nodeList,
      REDIS_URL: redis.url,
      INGEST_REDIS_STREAM: stream,
      INGEST_CLAIM_IDLE_MS: "2000",
    };
    const ids: string[] = await publish(0, 2000);
    const [a, b] = await Promise.all([
      startChildService({ ...env, INGEST_CONSUMER: "a" }),
      startChildService({ ...env, INGEST_CONSUMER: "b" }),
    ]);
    children.push(a, b);

    // Publish the rest while both consume; kill a mid-way, while it holds entries.
    const killA = async () => {
      await expect
        .poll(async () => (await pendingOf("a")).length, { timeout: 60_000, interval: 1 })
        .toBeGreaterThan(0);
      a.child.kill("SIGKILL");
      await a.exited;
      return pendingOf("a");
    };
    let killed: string[] | undefined;
    for (let from = 2000; from < total; from += 500) {
      ids.push(...(await publish(from, from + 500)));
      if (killed === undefined && (await groupInfo(admin, stream)).read >= total / 2)
        killed = await killA();
    }
    killed ??= await killA();
    expect(killed.length).toBeGreaterThan(0);

    // b takes over a's entries once they are idle for claim_idle_ms, and finishes.
    await expect
      .poll(() => groupInfo(admin, stream), { timeout: 240_000, interval: 200 })
      .toEqual({ read: total, lag: 0, pending: 0 });
    expect(await pendingOf("a")).toEqual([]);

    // Every valid entry is stored exactly once for each of its users.
    const expected = new Map<string, Map<string, number>>();
    for (let i = 0; i < total; i++) {
      if (isInvalid(i)) continue;
      for (const user of isFanOut(i) ? fanOutUsers(i) : [`u${i % users}`]) {
        const messages = expected.get(user) ?? new Map<string, number>();
        messages.set(`m${i}`, 1);
        expected.set(user, messages);
      }
    }
    const client = createClient(
      NotificationService,
      createConnectTransport({ baseUrl: b.baseUrl, httpVersion: "1.1" }),
    );
    const stored = new Map<string, Map<string, number>>();
    for (let u = 0; u < users; u++) {
      const user = `u${u}`;
      const { notifications } = await client.listNotifications({ username: user, pageSize: 1000 });
      const messages = new Map<string, number>();
      for (const n of notifications) messages.set(n.message, (messages.get(n.message) ?? 0) + 1);
      stored.set(user, messages);
    }
    const doubled = [...stored].flatMap(([user, messages]) =>
      [...messages].filter(([, count]) => count > 1).map(([message]) => `${user}:${message}`),
    );
    expect(doubled).toEqual([]);
    const absent = (from: typeof expected, to: typeof expected) =>
      [...from].flatMap(([user, messages]) =>
        [...messages.keys()].filter((m) => !to.get(user)?.has(m)).map((m) => `${user}:${m}`),
      );
    expect({ missing: absent(expected, stored), unexpected: absent(stored, expected) }).toEqual({
      missing: [],
      unexpected: [],
    });

    // Every invalid entry is dead-lettered exactly once, and nothing else is.
    const letters = await admin.xrange(`${stream}:dead`, "-", "+");
    const lettered = letters.map(([, fields]) => fields[fields.indexOf("entry") + 1]);
    const invalid = ids.filter((_, i) => isInvalid(i));
    expect(lettered.length).toBe(invalid.length);
    expect(new Set(lettered)).toEqual(new Set(invalid));

    // b claimed what a held (its log says how many each time), and stops cleanly.
    const claimed = b
      .output()
      .split("\n")
      .flatMap((line) => {
        try {
          const entry = JSON.parse(line) as { claimed?: number };
          return entry.claimed === undefined ? [] : [entry.claimed];
        } catch {
          return [];
        }
      })
      .reduce((sum, n) => sum + n, 0);
    expect(claimed).toBeGreaterThanOrEqual(killed.length);
    b.child.kill("SIGTERM");
    expect(await b.exited).toBe(0);
  }, 600_000);
});
