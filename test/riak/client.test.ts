import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RiakClient } from "../../src/riak/client.js";
import { MessageCode } from "../../src/riak/message-codes.js";
import { type RiakTestCluster, startRiakTestCluster } from "../support/riak-node/index.js";
import { riakError } from "./expect-riak-error.js";

const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const type = "notifications";
const protobuf = "application/x-protobuf";

let cluster: RiakTestCluster;
let client: RiakClient;
let keyCount = 0;
const newKey = () => `key-${++keyCount}`;

beforeAll(async () => {
  cluster = await startRiakTestCluster({
    nodes: 1,
    bucketTypes: { [type]: { allowMult: true, dvvEnabled: true } },
  });
  const node = cluster.nodes[0];
  if (node === undefined) throw new Error("no node");
  client = new RiakClient(node, { requestTimeoutMs: 2000 });
});

afterEach(() => cluster.nodes[0]?.setDelay(0));

afterAll(async () => {
  client.close();
  await cluster.close();
});

describe("RiakClient against the test node", () => {
  it("pings and reads the server info", async () => {
    await client.ping();
    expect(await client.serverInfo()).toEqual({
      node: cluster.nodes[0]?.name,
      serverVersion: "3.2.2p1-nhse",
    });
  });

  it("keeps blind writes as siblings and resolves them with the vclock", async () => {
    const key = newKey();
    expect(await client.get("notes", key, { type })).toEqual({
      siblings: [],
      vclock: undefined,
      unchanged: false,
    });
    await client.put("notes", key, { value: utf8("a"), contentType: protobuf }, { type });
    await client.put("notes", key, { value: utf8("b"), contentType: protobuf }, { type });
    const read = await client.get("notes", key, { type, r: "quorum", pr: "default" });
    expect(read.siblings.map((s) => text(s.value)).sort()).toEqual(["a", "b"]);
    expect(read.siblings[0]).toMatchObject({ contentType: protobuf, deleted: false });
    expect(read.siblings[0]?.vtag).toMatch(/^[0-9A-Za-z]+$/);
    expect(read.siblings[0]?.lastModified).toBeInstanceOf(Date);

    const written = await client.put(
      "notes",
      key,
      { value: utf8("ab"), contentType: protobuf },
      { type, vclock: read.vclock as Uint8Array, w: "quorum", dw: "one", returnBody: true },
    );
    expect(written.siblings.map((s) => text(s.value))).toEqual(["ab"]);
    const again = await client.get("notes", key, {
      type,
      ifModified: written.vclock as Uint8Array,
    });
    expect(again).toEqual({ siblings: [], vclock: undefined, unchanged: true });
  });

  it("reads a tombstone's vclock with deletedvclock, and a write with it replaces the tombstone", async () => {
    const key = newKey();
    await client.put("notes", key, { value: utf8("v1") }, { type });
    const before = await client.get("notes", key, { type });
    await client.delete("notes", key, { type, vclock: before.vclock as Uint8Array, rw: "quorum" });
    expect(await client.get("notes", key, { type })).toMatchObject({
      siblings: [],
      vclock: undefined,
    });
    const tombstone = await client.get("notes", key, { type, deletedvclock: true });
    expect(tombstone.siblings).toEqual([]);
    expect(tombstone.vclock).toBeInstanceOf(Uint8Array);
    await client.put(
      "notes",
      key,
      { value: utf8("v2") },
      { type, vclock: tombstone.vclock as Uint8Array },
    );
    const after = await client.get("notes", key, { type, deletedvclock: true });
    expect(after.siblings.map((s) => [text(s.value), s.deleted])).toEqual([["v2", false]]);
  });

  it("maps conditional-put failures to precondition and notFound errors, and the connection stays usable", async () => {
    const key = newKey();
    const first = await client.put("notes", key, { value: utf8("1") }, { type, returnBody: true });
    await client.put(
      "notes",
      key,
      { value: utf8("2") },
      { type, vclock: first.vclock as Uint8Array },
    );
    const stale = await riakError(
      client.put(
        "notes",
        key,
        { value: utf8("3") },
        { type, vclock: first.vclock as Uint8Array, ifNotModified: true },
      ),
    );
    expect(stale).toMatchObject({ kind: "precondition", errmsg: "modified" });
    const exists = await riakError(
      client.put("notes", key, { value: utf8("4") }, { type, ifNoneMatch: true }),
    );
    expect(exists).toMatchObject({ kind: "precondition", errmsg: "match_found" });
    const missing = await riakError(
      client.put(
        "notes",
        newKey(),
        { value: utf8("5") },
        { type, vclock: first.vclock as Uint8Array, ifNotModified: true },
      ),
    );
    expect(missing).toMatchObject({ kind: "notFound", errmsg: "notfound" });
    expect(client.poolStats().open).toBe(1);
  });

  it("maps refused requests to badRequest errors", async () => {
    const noType = await riakError(client.get("notes", "k", { type: "no_such_type" }));
    expect(noType).toMatchObject({
      kind: "badRequest",
      errmsg: "no_type",
      node: cluster.nodes[0]?.address,
    });
    const quorum = await riakError(client.get("notes", "k", { type, r: 5 }));
    expect(quorum).toMatchObject({ kind: "badRequest", errmsg: "{n_val_violation,3}" });
    const props = await riakError(client.getBucketProps("notes", { type: "no_such_type" }));
    expect(props).toMatchObject({
      kind: "badRequest",
      errmsg: "No bucket-type named 'no_such_type'",
    });
  });

  it("reads and sets bucket and bucket-type properties", async () => {
    expect(await client.getBucketTypeProps(type)).toMatchObject({ allowMult: true, nVal: 3 });
    expect(await client.getBucketProps("plain")).toMatchObject({ allowMult: false });
    await client.setBucketProps("plain", { allowMult: true });
    expect(await client.getBucketProps("plain")).toMatchObject({ allowMult: true });
  });

  it("lists the keys of a bucket from a streamed answer", async () => {
    const keys = [newKey(), newKey(), newKey()];
    for (const key of keys) await client.put("listed", key, { value: utf8(key) }, { type });
    expect((await client.listKeys("listed", { type })).sort()).toEqual(keys.sort());
  });

  it("times a call out, and the late answer is never read as the next call's", async () => {
    const slow = newKey();
    const fast = newKey();
    await client.put("notes", slow, { value: utf8("slow") }, { type });
    await client.put("notes", fast, { value: utf8("fast") }, { type });
    cluster.nodes[0]?.setDelay(200);
    const error = await riakError(client.get("notes", slow, { type, timeoutMs: 50 }));
    expect(error).toMatchObject({ kind: "timeout", message: "timed out after 50 ms" });
    cluster.nodes[0]?.setDelay(0);
    const read = await client.get("notes", fast, { type });
    expect(read.siblings.map((s) => text(s.value))).toEqual(["fast"]);
  });

  it("aborts a call in flight with the signal's reason as cause", async () => {
    cluster.nodes[0]?.setDelay(200);
    const controller = new AbortController();
    const call = riakError(client.ping({ signal: controller.signal }));
    setTimeout(() => controller.abort(new Error("client went away")), 20);
    const error = await call;
    expect(error.kind).toBe("aborted");
    expect((error.cause as Error).message).toBe("client went away");
  });

  it("sends nothing for an already aborted signal", async () => {
    const before = cluster.nodes[0]?.requestCount;
    const error = await riakError(client.ping({ signal: AbortSignal.abort() }));
    expect(error.kind).toBe("aborted");
    expect(cluster.nodes[0]?.requestCount).toBe(before);
  });

  it("reports a dropped connection as a network error, then reconnects", async () => {
    cluster.nodes[0]?.dropNextRequests(1);
    expect((await riakError(client.ping())).kind).toBe("network");
    await client.ping();
  });

  it("classifies injected overload and timeout answers", async () => {
    cluster.nodes[0]?.failNextRequests(1, "overload");
    expect(await riakError(client.ping())).toMatchObject({ kind: "overload", errmsg: "overload" });
    cluster.nodes[0]?.failNextRequests(1, "timeout");
    expect((await riakError(client.ping())).kind).toBe("timeout");
    const pings = cluster.nodes[0]?.requests.get(MessageCode.PingReq) ?? 0;
    await client.ping();
    expect(cluster.nodes[0]?.requests.get(MessageCode.PingReq)).toBe(pings + 1);
  });

  it("reports a refused connection as a network error", async () => {
    const nowhere = new RiakClient({ host: "127.0.0.1", port: 1 });
    expect(await riakError(nowhere.ping())).toMatchObject({
      kind: "network",
      message: "connection refused",
      node: "127.0.0.1:1",
    });
    nowhere.close();
  });
});
