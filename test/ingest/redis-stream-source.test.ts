import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RedisStreamSource } from "../../src/ingest/redis-stream-source.js";
import { type RedisServer, redisServerProgram, startRedisServer } from "../streams/redis-server.js";
import { testRedisStreamOptions } from "../support/module-options.js";
import { quietRedisClient } from "./stream-group.js";

// Skipped, with one line naming the Debian package, where redis-server is not installed.
describe.skipIf(redisServerProgram === undefined)("RedisStreamSource against redis-server", () => {
  let redis: RedisServer;
  let admin: Redis;
  const sources: RedisStreamSource[] = [];
  let streams = 0;
  let stream = "";

  beforeAll(async () => {
    redis = await startRedisServer();
    admin = quietRedisClient(redis.url);
  });
  afterEach(async () => {
    await Promise.all(sources.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    admin.disconnect();
    await redis.kill();
  });

  /** Each test reads a stream of its own. */
  const fresh = () => {
    stream = `ingest-test-${++streams}`;
  };
  /** A source of the test's stream, as consumer `consumer`, opened. */
  async function source(consumer = "a", group = "g"): Promise<RedisStreamSource> {
    const s = new RedisStreamSource(testRedisStreamOptions(redis.url, stream, { consumer, group }));
    sources.push(s);
    await s.open();
    return s;
  }
  const add = (fields: string[]) => admin.xadd(stream, "*", ...fields) as Promise<string>;
  const request = (username: string) => ["request", `{"username":"${username}"}`];
  const pendingOf = async (consumer?: string) =>
    (consumer === undefined
      ? await admin.xpending(stream, "g", "-", "+", 100)
      : await admin.xpending(stream, "g", "-", "+", 100, consumer)) as [
      string,
      string,
      number,
      number,
    ][];

  it("creates the group at the start of the stream, so entries added before it are read", async () => {
    fresh();
    const first = await add(request("ann"));
    const a = await source();
    // Opening again (a second instance, a restart) finds the group.
    await (await source("b")).open();
    const batch = await a.read(10, 10);
    expect(batch.lost).toBe(0);
    expect(batch.entries).toEqual([
      {
        id: first,
        idempotencyKey: `redis-stream:${first}`,
        original: '{"request":"{\\"username\\":\\"ann\\"}"}',
        json: '{"username":"ann"}',
        enqueuedAt: Number(first.split("-")[0]),
      },
    ]);
    // Delivered once: the next read waits and finds nothing.
    expect((await a.read(10, 10)).entries).toEqual([]);
  });

  it("says what an entry without a request field has instead", async () => {
    fresh();
    const a = await source();
    await add(["body", "{}", "type", "x"]);
    const [entry] = (await a.read(10, 10)).entries;
    expect(entry).toMatchObject({
      unreadable:
        'the entry has no request field holding the request\'s JSON (it has "body", "type")',
      original: '{"body":"{}","type":"x"}',
    });
  });

  it("reads at most max entries, and acknowledges one at a time", async () => {
    fresh();
    const a = await source();
    for (const name of ["ann", "bob", "cid"]) await add(request(name));
    const batch = await a.read(2, 10);
    expect(batch.entries).toHaveLength(2);
    expect(await pendingOf()).toHaveLength(2);
    await a.ack(batch.entries[0] as never);
    expect((await pendingOf()).map(([id]) => id)).toEqual([batch.entries[1]?.id]);
    expect(await a.stats()).toEqual({ lag: 1, pending: 1 });
  });

  it("dead-letters with the error, the original and the key, once, acknowledging the entry", async () => {
    fresh();
    const a = await source();
    const id = await add(["request", "{bad"]);
    const [entry] = (await a.read(1, 10)).entries;
    if (!entry) throw new Error("no entry");
    expect(await a.deadLetter(entry, "request is not JSON")).toBe(true);
    // A second attempt (a retried call, another consumer that took it over) writes nothing.
    expect(await a.deadLetter(entry, "request is not JSON")).toBe(false);
    const letters = await admin.xrange(`${stream}:dead`, "-", "+");
    expect(letters.map(([, fields]) => fields)).toEqual([
      [
        "entry",
        id,
        "error",
        "request is not JSON",
        "request",
        "{bad",
        "idempotency_key",
        `redis-stream:${id}`,
        "consumer",
        "a",
      ],
    ]);
    expect(await pendingOf()).toEqual([]);
  });

  it("keeps the fields of an unreadable entry in its dead letter", async () => {
    fresh();
    const a = await source();
    await add(["body", "x"]);
    const [entry] = (await a.read(1, 10)).entries;
    if (!entry) throw new Error("no entry");
    await a.deadLetter(entry, "no request");
    const [[, fields] = ["", []]] = await admin.xrange(`${stream}:dead`, "-", "+");
    expect(fields.slice(4, 6)).toEqual(["fields", '{"body":"x"}']);
  });

  it("claims only entries idle for long enough, and renewing keeps them from being idle", async () => {
    fresh();
    const a = await source("a");
    const b = await source("b");
    const id = await add(request("ann"));
    await a.read(10, 10);
    expect((await b.claim(10, 3_600_000)).entries).toEqual([]);
    // Make the entry look idle for an hour, then renew it.
    await admin.xclaim(stream, "g", "a", 0, id, "IDLE", 3_600_000, "JUSTID");
    await a.renew([id]);
    expect((await b.claim(10, 3_600_000)).entries).toEqual([]);
    expect((await pendingOf("a")).map(([pending]) => pending)).toEqual([id]);
    const claimed = await b.claim(10, 0);
    expect(claimed.entries.map((e) => e.id)).toEqual([id]);
    expect(claimed.more).toBe(false);
    expect((await pendingOf()).map(([pending, owner]) => [pending, owner])).toEqual([[id, "b"]]);
  });

  it("releases what it holds, so another consumer claims it at once", async () => {
    fresh();
    const a = await source("a");
    const b = await source("b");
    const ids = [await add(request("ann")), await add(request("bob"))];
    await a.read(10, 10);
    expect(await a.releaseAll()).toBe(2);
    const claimed = await b.claim(10, 30_000);
    expect(claimed.entries.map((e) => e.id)).toEqual(ids);
  });

  it("leaves the group when it releases with nothing held", async () => {
    fresh();
    const a = await source("a");
    const id = await add(request("ann"));
    const [entry] = (await a.read(10, 10)).entries;
    await a.ack(entry as never);
    expect(await a.releaseAll()).toBe(0);
    const consumers = (await admin.xinfo("CONSUMERS", stream, "g")) as unknown[][];
    expect(consumers.map((c) => c[1])).not.toContain("a");
    expect(id).toBeTruthy();
  });

  it("after a restart under the same name, first reads back what it held, then new entries", async () => {
    fresh();
    const before = await source("fixed");
    const held = [await add(request("ann")), await add(request("bob"))];
    await before.read(10, 10);
    await before.close();
    const later = await add(request("cid"));
    const after = await source("fixed");
    expect((await after.read(1, 10)).entries.map((e) => e.id)).toEqual([held[0]]);
    expect((await after.read(10, 10)).entries.map((e) => e.id)).toEqual([held[1]]);
    expect((await after.read(10, 10)).entries.map((e) => e.id)).toEqual([later]);
  });

  it("counts entries deleted from the stream before they were processed as lost", async () => {
    fresh();
    const before = await source("fixed");
    const gone = await add(request("ann"));
    const kept = await add(request("bob"));
    await before.read(10, 10);
    await before.close();
    await admin.xdel(stream, gone);
    const after = await source("fixed");
    const batch = await after.read(10, 10);
    expect(batch.lost).toBe(1);
    expect(batch.entries.map((e) => e.id)).toEqual([kept]);
    // The lost one is acknowledged: nobody will wait for it.
    expect((await pendingOf()).map(([id]) => id)).toEqual([kept]);

    const other = await source("other");
    await admin.xdel(stream, kept);
    const claimed = await other.claim(10, 0);
    expect(claimed).toEqual({ entries: [], lost: 1, more: false });
    expect(await pendingOf()).toEqual([]);
  });

  it("ends a waiting read at once when interrupted", async () => {
    fresh();
    const a = await source();
    const reading = a.read(10, 60_000);
    a.interrupt();
    await expect(reading).rejects.toThrow();
  });

  it("rejects while Redis is down, and works again once it is back", async () => {
    fresh();
    const a = await source();
    await redis.kill();
    try {
      await expect(a.read(10, 10)).rejects.toThrow();
      await expect(a.stats()).rejects.toThrow();
    } finally {
      await redis.restart();
    }
    admin.disconnect();
    admin = quietRedisClient(redis.url);
    // The restarted server is empty: the group is created again.
    await expect
      .poll(
        () =>
          a.open().then(
            () => true,
            () => false,
          ),
        { timeout: 15_000 },
      )
      .toBe(true);
    await add(request("ann"));
    await expect
      .poll(async () => (await a.read(10, 10).catch(() => ({ entries: [] }))).entries.length, {
        timeout: 15_000,
      })
      .toBe(1);
  });
});
