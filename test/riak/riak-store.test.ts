import { afterEach, describe, expect, it } from "vitest";
import { RiakBucketTypeError } from "../../src/riak/check-bucket-type.js";
import { RiakClient } from "../../src/riak/client.js";
import { StorageTimeoutError, StorageUnavailableError } from "../../src/storage/errors.js";
import {
  createRiakStore,
  type RiakKeyValueStore,
  type RiakOptions,
} from "../../src/storage/riak-store.js";
import { defaultBucketType, testRiakOptions } from "../support/module-options.js";
import {
  type BucketTypeConfig,
  type RiakTestCluster,
  startRiakTestCluster,
} from "../support/riak-node/index.js";

const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const type = defaultBucketType;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startCluster(
  bucketTypes: Record<string, BucketTypeConfig> = { [type]: { allowMult: true, dvvEnabled: true } },
) {
  const cluster = await startRiakTestCluster({ bucketTypes });
  cleanups.push(() => cluster.close());
  return cluster;
}

async function openStore(cluster: RiakTestCluster, options: Partial<RiakOptions> = {}) {
  const store = await createRiakStore(testRiakOptions(cluster.nodeList, options));
  cleanups.push(() => store.close());
  return store;
}

const values = async (store: RiakKeyValueStore, key: string) =>
  (await store.get("notifications", key)).values.map(text).sort();

describe("RiakKeyValueStore", () => {
  it("reads nothing for a new key, then the value written and its vclock", async () => {
    const store = await openStore(await startCluster());
    expect(await store.get("notifications", "ana")).toEqual({ values: [], context: undefined });
    await store.put("notifications", "ana", utf8("v1"), undefined);
    const read = await store.get("notifications", "ana");
    expect(read.values.map(text)).toEqual(["v1"]);
    expect(read.context).toBeInstanceOf(Uint8Array);
    await store.ping();
  });

  it("keeps every sibling of concurrent writes and collapses them with the context", async () => {
    const cluster = await startCluster();
    const [one, two] = [await openStore(cluster), await openStore(cluster)];
    await one.put("notifications", "bo", utf8("base"), undefined);
    const base = await one.get("notifications", "bo");
    await one.put("notifications", "bo", utf8("from one"), base.context);
    await two.put("notifications", "bo", utf8("from two"), base.context);
    const both = await two.get("notifications", "bo");
    expect(both.values.map(text).sort()).toEqual(["from one", "from two"]);
    await two.put("notifications", "bo", utf8("merged"), both.context);
    expect(await values(one, "bo")).toEqual(["merged"]);
  });

  it("stores each bucket's values with its content type, in the configured bucket type", async () => {
    const cluster = await startCluster();
    const store = await openStore(cluster);
    await store.put("notifications", "cy", utf8("n"), undefined);
    await store.put("cursors", "cy-notifications", utf8("{}"), undefined);
    await store.put("rules", "rules", utf8("r"), undefined);
    const client = new RiakClient(cluster.nodes[0] as RiakTestCluster["nodes"][number]);
    const contentType = async (bucket: string, key: string) =>
      (await client.get(bucket, key, { type })).siblings[0]?.contentType;
    expect(await contentType("notifications", "cy")).toBe("application/x-protobuf");
    expect(await contentType("cursors", "cy-notifications")).toBe("application/json");
    expect(await contentType("rules", "rules")).toBe("application/x-protobuf");
    client.close();
  });

  it("gives a deleted key's tombstone context, so that the next write replaces the tombstone", async () => {
    const cluster = await startCluster();
    const store = await openStore(cluster);
    await store.put("notifications", "di", utf8("old"), undefined);
    await store.delete("notifications", "di", (await store.get("notifications", "di")).context);
    const deleted = await store.get("notifications", "di");
    expect(deleted.values).toEqual([]);
    expect(deleted.context).toBeInstanceOf(Uint8Array);
    await store.put("notifications", "di", utf8("new"), deleted.context);
    expect(await values(store, "di")).toEqual(["new"]);
    expect(cluster.siblingCount(type, "notifications", "di")).toBe(1);
  });

  it("leaves tombstone siblings out of the values", async () => {
    const cluster = await startCluster();
    const store = await openStore(cluster);
    await store.put("notifications", "ed", utf8("old"), undefined);
    await store.delete("notifications", "ed", (await store.get("notifications", "ed")).context);
    await store.put("notifications", "ed", utf8("blind"), undefined);
    expect(cluster.siblingCount(type, "notifications", "ed")).toBe(2);
    expect(await values(store, "ed")).toEqual(["blind"]);
  });

  it("sends Riak a whole-millisecond timeout whatever the configured one", async () => {
    const store = await openStore(await startCluster(), {
      timeoutMs: 2500.5,
      cluster: { attemptTimeoutMs: 10_000 },
    });
    await store.put("notifications", "fr", utf8("v"), undefined);
    expect(await values(store, "fr")).toEqual(["v"]);
  });

  it("sends the configured quorums", async () => {
    const store = await openStore(await startCluster(), { r: 5 });
    await expect(store.get("notifications", "fi")).rejects.toThrow(/\{n_val_violation,3\}/);
    await store.put("notifications", "fi", utf8("v"), undefined);
  });

  it("pings with a read at the configured quorums, of a key no user has", async () => {
    const cluster = await startCluster();
    const store = await openStore(cluster);
    await store.ping();
    expect(cluster.nodes.map((node) => node.requests.get(1) ?? 0)).toEqual([0, 0, 0]);
    // The nodes answer pings, but no vnode is up to serve a read.
    for (const node of cluster.nodes) node.setStartupStage("noVnodes");
    const error = await store.ping().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect((error as Error).message).toMatch(/: \{insufficient_vnodes,0,need,2\}$/);
    const strict = await openStore(cluster, { r: "all", pr: 1 });
    for (const node of cluster.nodes) node.setStartupStage("serving");
    await strict.ping();
    // Every primary of the probe key down: only a read that asks for primaries fails.
    const fallback = { role: "fallback", hasKey: false } as const;
    cluster.setReplicas(type, "notifications", "readiness probe", [fallback, fallback, fallback]);
    await store.ping();
    await expect(strict.ping()).rejects.toThrow(/: \{pr_val_unsatisfied,1,0\}$/);
  });

  it("fails with StorageUnavailableError naming the nodes when every node is down", {
    timeout: 5000,
  }, async () => {
    const cluster = await startCluster();
    const store = await openStore(cluster, { timeoutMs: 20_000 });
    await Promise.all(cluster.nodes.map((node) => node.stop()));
    const error = await store.get("notifications", "gu").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    // Round-robin starts wherever the start-up checks left it: every node, in some order.
    const tried = /^no Riak node answered \(tried (.*)\): connection refused$/.exec(
      (error as Error).message,
    );
    expect(tried?.[1]?.split(", ").sort()).toEqual(cluster.nodeList.split(",").sort());
  });

  it("fails with StorageTimeoutError when no node answers in time", async () => {
    const cluster = await startCluster();
    const store = await openStore(cluster, { timeoutMs: 150, cluster: { attemptTimeoutMs: 60 } });
    for (const node of cluster.nodes) node.setDelay(500);
    await expect(store.put("notifications", "ha", utf8("v"), undefined)).rejects.toBeInstanceOf(
      StorageTimeoutError,
    );
  });

  it("rejects with the signal's reason when the caller aborts", async () => {
    const cluster = await startCluster();
    const store = await openStore(cluster);
    for (const node of cluster.nodes) node.setDelay(300);
    const reason = new Error("request cancelled");
    const call = store.get("notifications", "io", { signal: AbortSignal.timeout(20) });
    await expect(call).rejects.toMatchObject({ name: "TimeoutError" });
    await expect(store.ping({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });
});

describe("createRiakStore's bucket-type check", () => {
  it("refuses a missing bucket type, saying how to create it", async () => {
    const cluster = await startCluster({});
    const error = await createRiakStore(testRiakOptions(cluster.nodeList)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RiakBucketTypeError);
    expect((error as Error).message).toBe(
      "Riak has no bucket type 'notifications'. Create it with: " +
        `riak admin bucket-type create notifications '{"props":{"allow_mult":true,"dvv_enabled":true}}' && ` +
        "riak admin bucket-type activate notifications",
    );
  });

  it("refuses a bucket type without allow_mult, saying how to fix it", async () => {
    const cluster = await startCluster({ inbox: { allowMult: false } });
    const error = await createRiakStore(
      testRiakOptions(cluster.nodeList, { bucketType: "inbox" }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RiakBucketTypeError);
    expect((error as Error).message).toMatch(
      /^Riak bucket 'notifications' in bucket type 'inbox' has allow_mult=false, .*riak admin bucket-type update inbox '\{"props":\{"allow_mult":true,"last_write_wins":false,"dvv_enabled":true\}\}'/,
    );
  });

  it("refuses a bucket whose own props turn allow_mult off", async () => {
    const cluster = await startCluster();
    const client = new RiakClient(cluster.nodes[0] as RiakTestCluster["nodes"][number]);
    await client.setBucketProps("rules", { allowMult: false }, { type });
    client.close();
    await expect(createRiakStore(testRiakOptions(cluster.nodeList))).rejects.toThrow(
      /^Riak bucket 'rules' in bucket type 'notifications' has allow_mult=false/,
    );
  });

  it("fails with StorageUnavailableError when no node answers", async () => {
    const cluster = await startCluster();
    await Promise.all(cluster.nodes.map((node) => node.stop()));
    await expect(createRiakStore(testRiakOptions(cluster.nodeList))).rejects.toBeInstanceOf(
      StorageUnavailableError,
    );
  });
});
