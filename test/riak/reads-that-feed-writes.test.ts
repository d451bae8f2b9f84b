import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { StorageUnavailableError } from "../../src/storage/errors.js";
import type { ReadPurpose } from "../../src/storage/key-value-store.js";
import { createRiakStore } from "../../src/storage/riak-store.js";
import { defaultBucketType, testRiakOptions } from "../support/module-options.js";
import {
  type ReplicaState,
  type RiakTestCluster,
  startRiakTestCluster,
} from "../support/riak-node/index.js";
import { type ServiceUnderTest, startServiceUnderTest } from "../support/service-under-test.js";

const type = defaultBucketType;
const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

const primary = (hasKey: boolean): ReplicaState => ({ role: "primary", hasKey });
const fallback: ReplicaState = { role: "fallback", hasKey: false };
/** The node that held two of the key's three replicas is down; their fallbacks answer first. */
const fallbacksFirst = [fallback, fallback, primary(true)];
/** That node is back, but the key's writes have not been handed back to its two primaries. */
const restartedPrimariesFirst = [primary(false), primary(false), primary(true)];
/** Every primary of the key is down. */
const onlyFallbacks = [fallback, fallback, fallback];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("RiakKeyValueStore reads, by purpose, around a node outage", () => {
  async function setUp() {
    const cluster = await startRiakTestCluster({
      bucketTypes: { [type]: { allowMult: true, dvvEnabled: true } },
    });
    cleanups.push(() => cluster.close());
    const store = await createRiakStore(testRiakOptions(cluster.nodeList));
    cleanups.push(() => store.close());
    await store.put("notifications", "ann", utf8("748 notifications"), undefined);
    const read = async (purpose: ReadPurpose) =>
      (await store.get("notifications", "ann", { purpose })).values.map(text);
    const layOut = (replicas: readonly ReplicaState[]) =>
      cluster.setReplicas(type, "notifications", "ann", replicas);
    return { cluster, store, read, layOut };
  }

  it("a read that feeds a write waits for a primary instead of taking fallbacks' not found", async () => {
    const { read, layOut } = await setUp();
    layOut(fallbacksFirst);
    // A read to show keeps the configured r = quorum: the two fallbacks make it.
    expect(await read("show")).toEqual([]);
    expect(await read("update")).toEqual(["748 notifications"]);
    expect(await read("complete")).toEqual(["748 notifications"]);
  });

  it("a read whose write must cover everything merges every replica", async () => {
    const { read, layOut } = await setUp();
    layOut(restartedPrimariesFirst);
    expect(await read("update")).toEqual([]);
    expect(await read("complete")).toEqual(["748 notifications"]);
  });

  it("a read that feeds a write fails, rather than reading nothing, when no primary is up", async () => {
    const { read, layOut } = await setUp();
    layOut(onlyFallbacks);
    expect(await read("show")).toEqual([]);
    for (const purpose of ["update", "complete"] as const) {
      const error = await read(purpose).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageUnavailableError);
      expect((error as Error).message).toMatch(/\{pr_val_unsatisfied,1,0\}$/);
    }
  });

  it("a write made around the outage supersedes the stored value instead of standing beside it", async () => {
    const { cluster, store, layOut } = await setUp();
    layOut(fallbacksFirst);
    const { values, context } = await store.get("notifications", "ann", { purpose: "update" });
    await store.put("notifications", "ann", utf8(`${text(values[0] ?? utf8(""))} + 1`), context);
    expect(cluster.siblingCount(type, "notifications", "ann")).toBe(1);
  });
});

describe("the service on Riak around a node outage", () => {
  let sut: ServiceUnderTest;
  const riak = (): RiakTestCluster => {
    if (!sut.riak) throw new Error("no Riak test cluster");
    return sut.riak;
  };

  async function userWithInbox(username: string, count: number) {
    sut = await startServiceUnderTest("riak");
    cleanups.push(() => sut.close());
    const client = createClient(
      NotificationService,
      createConnectTransport({ baseUrl: sut.baseUrl, httpVersion: "1.1" }),
    );
    for (let i = 0; i < count; i += 1) {
      await client.createNotification({ username, category: "like", message: `n${i}` });
    }
    // The first page moves the cursor, so the user has one to delete too.
    expect((await client.listNotifications({ username })).notifications).toHaveLength(count);
    return client;
  }

  const layOut = (username: string, replicas: readonly ReplicaState[] | undefined) => {
    riak().setReplicas(type, "notifications", username, replicas);
    riak().setReplicas(type, "cursors", `${username}-notifications`, replicas);
  };

  const deleteAll = (username: string) =>
    fetch(`${sut.baseUrl}/v1/notifications/${username}`, { method: "DELETE" });

  it.each([
    ["fallbacks that lack the inbox answer first", fallbacksFirst],
    ["restarted primaries that lack the inbox answer first", restartedPrimariesFirst],
  ])("a delete-all deletes what existed before it when %s", async (_case, replicas) => {
    const client = await userWithInbox("ann", 12);
    layOut("ann", replicas);
    expect((await deleteAll("ann")).status).toBe(204);
    // Once every replica has the inbox again, nothing the delete-all was meant to delete is left.
    layOut("ann", undefined);
    const store = await createRiakStore(testRiakOptions(riak().nodeList));
    cleanups.push(() => store.close());
    expect((await store.get("cursors", "ann-notifications")).values).toEqual([]);
    expect((await client.listNotifications({ username: "ann" })).notifications).toEqual([]);
  });

  it("a delete-all answers 503, not 204, when it cannot read every replica", async () => {
    const client = await userWithInbox("bo", 3);
    layOut("bo", onlyFallbacks);
    const answer = await deleteAll("bo");
    expect(answer.status).toBe(503);
    layOut("bo", undefined);
    expect((await client.listNotifications({ username: "bo" })).notifications).toHaveLength(3);
  });

  it("creates around the outage keep what was stored, without a sibling beside it", async () => {
    const client = await userWithInbox("cy", 5);
    layOut("cy", fallbacksFirst);
    await client.createNotification({ username: "cy", category: "like", message: "during" });
    expect(riak().siblingCount(type, "notifications", "cy")).toBe(1);
    layOut("cy", undefined);
    expect((await client.listNotifications({ username: "cy" })).notifications).toHaveLength(6);
  });
});
