import { describe, expect, it, vi } from "vitest";
import type { BreakerState } from "../../src/riak/cluster.js";
import { StorageUnavailableError } from "../../src/storage/errors.js";
import {
  create,
  type Instance,
  listedIds,
  newestFirst,
  useScenarios,
} from "./scenarios-support.js";

const { startCluster, openInstance } = useScenarios();

const users = Array.from({ length: 8 }, (_, i) => `load-${i}`);

/**
 * Creates `count` notifications at once, spread over several users so that
 * they need many storage calls; resolves to the ids created per user, and
 * the failures.
 */
async function createLoad(instance: Instance, count: number) {
  const results = await Promise.allSettled(
    Array.from({ length: count }, async (_, i) => {
      const user = users[i % users.length] ?? "";
      return { user, id: await create(instance, user) };
    }),
  );
  const failures = results.filter((result) => result.status === "rejected");
  const created = results.flatMap((result) =>
    result.status === "fulfilled" ? [result.value] : [],
  );
  return { created, failures };
}

describe("a store instance over three nodes", () => {
  it("loses no create while a node stops mid-load, and takes the node back once it returns", async () => {
    const cluster = await startCluster();
    const events: [string, BreakerState][] = [];
    const instance = await openInstance(cluster.nodeList, {
      cluster: { breakerResetTimeoutMs: 200, breakerVolumeThreshold: 3, breakerWindowMs: 1000 },
      onBreakerStateChange: (node, state) => events.push([node, state]),
    });
    const stopped = cluster.nodes[1];
    if (stopped === undefined) throw new Error("no second node");
    const breaker = () => instance.riak.nodeStates()[1]?.breaker;
    const created: { user: string; id: string }[] = [];
    const load = async (count: number) => {
      const result = await createLoad(instance, count);
      created.push(...result.created);
      return result.failures;
    };

    expect(await load(40)).toEqual([]);
    // Stop the node while calls are in flight on it.
    for (const node of cluster.nodes) node.setDelay(5);
    const requestsBefore = stopped.requestCount;
    const during = load(120);
    await vi.waitFor(() => expect(stopped.requestCount).toBeGreaterThan(requestsBefore + 3), {
      interval: 1,
    });
    await stopped.stop();
    expect(await during).toEqual([]);
    for (const node of cluster.nodes) node.setDelay(0);
    await vi.waitFor(
      async () => {
        expect(await load(16)).toEqual([]);
        expect(breaker()).toBe("open");
      },
      { timeout: 10_000, interval: 20 },
    );
    expect(events).toContainEqual([stopped.address, "open"]);

    await stopped.start();
    await vi.waitFor(
      async () => {
        expect(await load(8)).toEqual([]);
        expect(breaker()).toBe("closed");
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(events).toContainEqual([stopped.address, "closed"]);
    const requestsBack = stopped.requestCount;
    expect(await load(40)).toEqual([]);
    expect(stopped.requestCount).toBeGreaterThan(requestsBack);

    // Every acknowledged create is there.
    for (const user of users) {
      const ids = created.filter((c) => c.user === user).map((c) => c.id);
      expect(await listedIds(instance, user)).toEqual(newestFirst(ids));
    }
  });

  it("rejects with StorageUnavailableError before its deadline when every node is down, and recovers", async () => {
    const cluster = await startCluster();
    // A deadline far beyond the test's own: the calls must fail by themselves, not by timing out.
    const instance = await openInstance(cluster.nodeList, {
      timeoutMs: 60_000,
      cluster: { breakerResetTimeoutMs: 100, breakerVolumeThreshold: 3 },
    });
    await create(instance, "ida");
    await Promise.all(cluster.nodes.map((node) => node.stop()));

    const refused = await create(instance, "ida").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StorageUnavailableError);
    // The message names every node tried, in the order tried.
    const message = (refused as Error).message;
    expect(message).toMatch(/^no Riak node answered \(tried .+\): connection refused$/);
    for (const node of cluster.nodes) expect(message).toContain(node.address);
    await expect(instance.repos.inboxes.read("ida")).rejects.toBeInstanceOf(
      StorageUnavailableError,
    );
    // Once every breaker is open, calls fail without touching the network.
    await vi.waitFor(
      async () => {
        const error = await instance.repos.cursors.read("ida").catch((e) => e);
        expect(error).toBeInstanceOf(StorageUnavailableError);
        expect((error as Error).message).toBe(
          `no Riak node available: circuit breaker open for ${cluster.nodeList.replaceAll(",", ", ")}`,
        );
      },
      { timeout: 5000, interval: 5 },
    );

    await Promise.all(cluster.nodes.map((node) => node.start()));
    const after = await vi.waitFor(() => create(instance, "ida"), { timeout: 5000, interval: 50 });
    expect(await listedIds(instance, "ida")).toContain(after);
  });
});
