import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { RiakClient } from "../../src/riak/client.js";
import { RiakError } from "../../src/riak/errors.js";
import type { PoolStats } from "../../src/riak/pool.js";
import {
  type RiakTestCluster,
  type RiakTestNode,
  startRiakTestCluster,
} from "../support/riak-node/index.js";

let cluster: RiakTestCluster;
let node: RiakTestNode;
const clients: RiakClient[] = [];
const clientFor = (options: ConstructorParameters<typeof RiakClient>[1]) => {
  const client = new RiakClient(node, options);
  clients.push(client);
  return client;
};

beforeAll(async () => {
  cluster = await startRiakTestCluster({ nodes: 1 });
  node = cluster.nodes[0] as RiakTestNode;
});

afterEach(() => {
  node.setDelay(0);
  for (const client of clients.splice(0)) client.close();
});

afterAll(() => cluster.close());

describe("ConnectionPool", () => {
  it("never opens more than maxConnections; the other calls wait their turn", async () => {
    const client = clientFor({ maxConnections: 2 });
    node.setDelay(50);
    const seen: PoolStats[] = [];
    const sample = setInterval(() => seen.push(client.poolStats()), 5);
    const calls = Array.from({ length: 8 }, () => client.ping());
    expect(client.poolStats()).toEqual({ open: 2, idle: 0, waiting: 6 });
    await Promise.all(calls);
    clearInterval(sample);
    expect(Math.max(...seen.map((s) => s.open))).toBe(2);
    expect(client.poolStats()).toEqual({ open: 2, idle: 2, waiting: 0 });
  });

  it("fails a waiting call whose time runs out, and serves the others", async () => {
    const client = clientFor({ maxConnections: 1 });
    node.setDelay(200);
    const first = client.ping({ timeoutMs: 2000 });
    const second = client.ping({ timeoutMs: 20 }).catch((error: unknown) => error);
    const error = await second;
    expect(error).toBeInstanceOf(RiakError);
    expect(error).toMatchObject({
      kind: "timeout",
      message: "no connection free within 20 ms (1 open)",
    });
    await first;
    expect(client.poolStats()).toEqual({ open: 1, idle: 1, waiting: 0 });
  });

  it("removes an aborted waiter from the queue", async () => {
    const client = clientFor({ maxConnections: 1 });
    node.setDelay(100);
    const first = client.ping();
    const controller = new AbortController();
    const second = client.ping({ signal: controller.signal }).catch((error: unknown) => error);
    expect(client.poolStats().waiting).toBe(1);
    controller.abort();
    expect(await second).toMatchObject({ kind: "aborted" });
    expect(client.poolStats().waiting).toBe(0);
    await first;
  });

  it("replaces a connection that broke, for the call waiting for it", async () => {
    const client = clientFor({ maxConnections: 1 });
    node.setDelay(50);
    node.dropNextRequests(1);
    const first = client.ping().catch((error: unknown) => error);
    const second = client.ping();
    expect(await first).toMatchObject({ kind: "network" });
    await second;
    expect(client.poolStats()).toEqual({ open: 1, idle: 1, waiting: 0 });
  });

  it("closes idle connections beyond minConnections after idleTimeoutMs", async () => {
    const client = clientFor({ minConnections: 1, maxConnections: 4, idleTimeoutMs: 30 });
    node.setDelay(20);
    await Promise.all([client.ping(), client.ping(), client.ping()]);
    expect(client.poolStats().open).toBe(3);
    await vi.waitFor(() => expect(client.poolStats()).toEqual({ open: 1, idle: 1, waiting: 0 }));
  });

  it("drops idle connections the server closed", async () => {
    const client = clientFor({});
    await client.ping();
    expect(client.poolStats().idle).toBe(1);
    node.dropConnections();
    await vi.waitFor(() => expect(client.poolStats()).toEqual({ open: 0, idle: 0, waiting: 0 }));
    await client.ping();
  });

  it("refuses calls once closed", async () => {
    const client = clientFor({});
    await client.ping();
    client.close();
    await expect(client.ping()).rejects.toMatchObject({ kind: "network", message: "pool closed" });
  });
});

describe("pool options", () => {
  it.each([
    [{ maxConnections: 0 }, /maxConnections must be a positive integer, got 0/],
    [
      { minConnections: 3, maxConnections: 2 },
      /minConnections must be an integer from 0 to maxConnections \(2\), got 3/,
    ],
  ])("refuses %j", (options, message) => {
    expect(() => new RiakClient({ host: "127.0.0.1", port: 8087 }, options)).toThrow(message);
  });
});
