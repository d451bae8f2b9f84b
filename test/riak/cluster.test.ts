import { afterEach, describe, expect, it, vi } from "vitest";
import type { RiakClient } from "../../src/riak/client.js";
import {
  type BreakerState,
  RiakCluster,
  type RiakClusterOptions,
  type RiakOperation,
} from "../../src/riak/cluster.js";
import { testClusterOptions } from "../support/module-options.js";
import { type RiakTestCluster, startRiakTestCluster } from "../support/riak-node/index.js";
import { riakError } from "./expect-riak-error.js";

const utf8 = (text: string) => new TextEncoder().encode(text);
const ping: RiakOperation<void> = (client: RiakClient, call) => client.ping(call);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: Partial<RiakClusterOptions> = {}, nodes = 3) {
  const test = await startRiakTestCluster({ nodes });
  cleanups.push(() => test.close());
  const events: [string, BreakerState][] = [];
  const riak = new RiakCluster(test.nodes, testClusterOptions(options), (node, state) =>
    events.push([node, state]),
  );
  cleanups.push(() => riak.close());
  const state = (index: number) => riak.nodeStates()[index];
  return { test, riak, events, state };
}

const counts = (test: RiakTestCluster) => test.nodes.map((node) => node.requestCount);
const total = (test: RiakTestCluster) => counts(test).reduce((a, b) => a + b, 0);

describe("RiakCluster", () => {
  it("spreads calls round-robin over the nodes", async () => {
    const { test, riak } = await setup();
    for (let i = 0; i < 30; i += 1) await riak.execute(ping);
    expect(counts(test)).toEqual([10, 10, 10]);
  });

  it("keeps serving while a node stops mid-load, opens its breaker, and closes it once the node is back", async () => {
    const { test, riak, events, state } = await setup({
      breakerResetTimeoutMs: 200,
      breakerVolumeThreshold: 3,
      maxConnections: 4,
    });
    const stopped = test.nodes[1];
    if (stopped === undefined) throw new Error("no node");
    const load = async (calls: number) => {
      const results = await Promise.allSettled(
        Array.from({ length: calls }, (_, i) =>
          riak.execute((client, call) =>
            client.put("load", `k${i % 7}`, { value: utf8(String(i)) }, call),
          ),
        ),
      );
      return results.filter((result) => result.status === "rejected");
    };

    expect(await load(30)).toEqual([]);
    // Stop the node while calls are in flight on it and queued for it.
    for (const node of test.nodes) node.setDelay(20);
    const during = load(90);
    await vi.waitFor(() => expect(stopped.requestCount).toBeGreaterThan(12), { interval: 2 });
    await stopped.stop();
    expect(await during).toEqual([]);
    for (const node of test.nodes) node.setDelay(0);
    await vi.waitFor(async () => {
      expect(await load(15)).toEqual([]);
      expect(state(1)?.breaker).toBe("open");
    });
    expect(events).toContainEqual([stopped.address, "open"]);

    await stopped.start();
    await vi.waitFor(
      async () => {
        expect(await load(6)).toEqual([]);
        expect(state(1)?.breaker).toBe("closed");
      },
      { timeout: 5000, interval: 50 },
    );
    expect(events.map(([, s]) => s)).toEqual(
      expect.arrayContaining(["open", "halfOpen", "closed"]),
    );
    const before = stopped.requestCount;
    expect(await load(30)).toEqual([]);
    expect(stopped.requestCount).toBeGreaterThanOrEqual(before + 10);
  });

  it("fails fast with every node down, naming the nodes tried", { timeout: 5000 }, async () => {
    const { test, riak } = await setup({ requestTimeoutMs: 20_000 });
    await Promise.all(test.nodes.map((node) => node.stop()));
    const error = await riakError(riak.execute(ping));
    const names = test.nodes.map((node) => node.address).join(", ");
    expect(error.kind).toBe("network");
    expect(error.message).toBe(`no Riak node answered (tried ${names}): connection refused`);
  });

  it("once every breaker is open, refuses without touching the network", async () => {
    const { test, riak } = await setup({
      breakerVolumeThreshold: 1,
      breakerResetTimeoutMs: 60_000,
    });
    await Promise.all(test.nodes.map((node) => node.stop()));
    await riakError(riak.execute(ping));
    const error = await riakError(riak.execute(ping));
    expect(error.kind).toBe("unavailable");
    expect(error.message).toBe(
      `no Riak node available: circuit breaker open for ${riak.addresses.join(", ")}`,
    );
  });

  it("moves on from a node slower than attemptTimeoutMs", async () => {
    const { test, riak, state } = await setup({ attemptTimeoutMs: 100 });
    test.nodes[0]?.setDelay(1000);
    await riak.execute(ping);
    expect(counts(test)).toEqual([1, 1, 0]);
    expect(state(0)).toMatchObject({ requests: 1, errors: 1 });
    expect(state(1)).toMatchObject({ requests: 1, errors: 0 });
  });

  it.each(["overload", "{error,overload}", "timeout"])(
    "retries a %s answer on the next node",
    async (errmsg) => {
      const { test, riak, state } = await setup();
      test.nodes[0]?.failNextRequests(1, errmsg);
      await riak.execute(ping);
      expect(counts(test)).toEqual([1, 1, 0]);
      expect(state(0)).toMatchObject({ requests: 1, errors: 1 });
    },
  );

  it("moves on from a node whose riak_kv is still starting, and counts it against that node", async () => {
    const { test, riak, state } = await setup({ breakerVolumeThreshold: 2 });
    await riak.execute((client, call) => client.put("b", "k", { value: utf8("v") }, call));
    const starting = test.nodes[1];
    starting?.setStartupStage("listenerOnly");
    const get = () => riak.execute((client, call) => client.get("b", "k", call));
    for (let i = 0; i < 6; i += 1) expect((await get()).siblings).toHaveLength(1);
    expect(state(1)?.errors).toBeGreaterThan(0);
    expect(state(1)?.errors).toBe(state(1)?.requests);
    expect(state(1)?.breaker).toBe("open");
    expect(starting?.requests.get(9)).toBe(state(1)?.requests);
  });

  it("gives up after `attempts` nodes, with the last error's kind", async () => {
    const { test, riak } = await setup({ attempts: 2 });
    for (const node of test.nodes) node.failNextRequests(1, "overload");
    const error = await riakError(riak.execute(ping));
    expect(error.kind).toBe("overload");
    expect(error.message).toBe(
      `no Riak node answered (tried ${riak.addresses.slice(0, 2).join(", ")}): overload`,
    );
    expect(total(test)).toBe(2);
  });

  it("neither retries nor counts not-found, precondition and bad-request answers", async () => {
    const { test, riak } = await setup();
    const written = await riak.execute((client, call) =>
      client.put("b", "k", { value: utf8("1") }, { ...call, returnBody: true }),
    );
    await riak.execute((client, call) => client.put("b", "k", { value: utf8("2") }, call));
    const before = total(test);
    const stale = { vclock: written.vclock as Uint8Array, ifNotModified: true };
    const modified = await riakError(
      riak.execute((client, call) =>
        client.put("b", "k", { value: utf8("3") }, { ...call, ...stale }),
      ),
    );
    const notFound = await riakError(
      riak.execute((client, call) =>
        client.put("b", "new", { value: utf8("3") }, { ...call, ...stale }),
      ),
    );
    const noType = await riakError(
      riak.execute((client, call) => client.get("b", "k", { ...call, type: "nope" })),
    );
    expect([modified.kind, notFound.kind, noType.kind]).toEqual([
      "precondition",
      "notFound",
      "badRequest",
    ]);
    expect(total(test)).toBe(before + 3);
    expect(riak.nodeStates().map((node) => node.errors)).toEqual([0, 0, 0]);
  });

  it("stops at once when the caller aborts", async () => {
    const { test, riak } = await setup();
    for (const node of test.nodes) node.setDelay(300);
    const controller = new AbortController();
    const call = riakError(riak.execute(ping, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 20);
    expect((await call).kind).toBe("aborted");
    // No other node is tried; under load the abort may even come before the
    // request reached the first node.
    expect(total(test)).toBeLessThanOrEqual(1);
    expect((await riakError(riak.execute(ping, { signal: controller.signal }))).kind).toBe(
      "aborted",
    );
  });

  it("fails with a timeout once the caller's deadline passes", async () => {
    const { test, riak } = await setup({ attemptTimeoutMs: 100 });
    for (const node of test.nodes) node.setDelay(1000);
    const error = await riakError(riak.execute(ping, { timeoutMs: 150 }));
    expect(error.kind).toBe("timeout");
    expect(error.message).toMatch(
      /^no Riak node answered within 150 ms \(tried .+\): timed out after \d+ ms$/,
    );
  });

  it("keeps each node's pool within maxConnections under concurrent load", async () => {
    const { test, riak } = await setup({ maxConnections: 2 });
    for (const node of test.nodes) node.setDelay(20);
    let most = 0;
    const sample = setInterval(() => {
      for (const node of riak.nodeStates()) most = Math.max(most, node.pool.open);
    }, 2);
    await Promise.all(Array.from({ length: 60 }, () => riak.execute(ping)));
    clearInterval(sample);
    expect(most).toBe(2);
    expect(riak.nodeStates().map((node) => node.requests)).toEqual([20, 20, 20]);
  });

  it("refuses a non-positive number of attempts", () => {
    expect(() => new RiakCluster([{ host: "127.0.0.1", port: 8087 }], { attempts: 0 })).toThrow(
      /attempts must be a positive integer, got 0/,
    );
    expect(() => new RiakCluster([], testClusterOptions())).toThrow(/at least one node/);
  });

  it("refuses calls once closed", async () => {
    const { riak } = await setup();
    riak.close();
    expect(await riakError(riak.execute(ping))).toMatchObject({
      kind: "unavailable",
      message: "the Riak cluster client is closed",
    });
  });
});
