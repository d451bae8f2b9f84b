import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RpbSetBucketReqSchema } from "../../src/gen/riak/riak_pb.js";
import { type RiakTestCluster, startRiakTestCluster } from "../support/riak-node/index.js";
import { deleteObject, getObject, listKeys, putObject, siblingValues } from "./kv-calls.js";
import { connectTo, type RawConnection } from "./raw-connection.js";

const bucket = "notes";

async function startWithAllowMult(
  tombstoneReapMs: number,
): Promise<{ cluster: RiakTestCluster; connection: RawConnection }> {
  const cluster = await startRiakTestCluster({ nodes: 1, tombstoneReapMs });
  const connection = await connectTo(cluster);
  const frame = await connection.call(21, RpbSetBucketReqSchema, {
    bucket: new TextEncoder().encode(bucket),
    props: { allowMult: true },
  });
  expect(frame.code).toBe(22);
  return { cluster, connection };
}

describe("tombstones inside the reap window", () => {
  let cluster: RiakTestCluster;
  let connection: RawConnection;

  // A window far longer than any test: nothing is reaped while these run.
  beforeAll(async () => {
    ({ cluster, connection } = await startWithAllowMult(60_000));
  });

  afterAll(async () => {
    connection.close();
    await cluster.close();
  });

  it("a deleted key reads as not found; deletedvclock returns only the tombstone's vclock", async () => {
    const key = { bucket, key: "deleted" };
    const written = await putObject(connection, key, "v", undefined, { returnBody: true });
    await deleteObject(connection, key, written.vclock);

    const plain = await getObject(connection, key);
    expect(plain.content).toEqual([]);
    expect(plain.vclock).toHaveLength(0);

    const tombstone = await getObject(connection, key, { deletedvclock: true });
    expect(tombstone.content).toEqual([]);
    expect(tombstone.vclock.length).toBeGreaterThan(0);
    // The delete was a write: the clock moved on.
    expect(Buffer.from(tombstone.vclock).equals(Buffer.from(written.vclock))).toBe(false);
    expect(cluster.siblingCount("default", bucket, "deleted")).toBe(1);
    expect(await listKeys(connection, bucket)).toContain("deleted");
  });

  it("a blind put leaves a tombstone sibling beside the new value", async () => {
    const key = { bucket, key: "blind-after-delete" };
    await putObject(connection, key, "v1");
    await deleteObject(connection, key);
    await putObject(connection, key, "v2");

    const read = await getObject(connection, key);
    expect(siblingValues(read)).toEqual(["<deleted>", "v2"]);
    const tombstone = read.content.find((content) => content.deleted);
    expect(tombstone?.value).toEqual(new Uint8Array(0));
    expect(tombstone?.contentType).toHaveLength(0);
    expect(tombstone?.vtag.length).toBeGreaterThanOrEqual(20);
  });

  it("a put with the tombstone's vclock replaces it cleanly (X11)", async () => {
    const key = { bucket, key: "resurrected" };
    await putObject(connection, key, "v1");
    await deleteObject(connection, key);
    const { vclock } = await getObject(connection, key, { deletedvclock: true });
    const written = await putObject(connection, key, "v2", vclock, { returnBody: true });
    expect(siblingValues(written)).toEqual(["v2"]);
    expect(cluster.siblingCount("default", bucket, "resurrected")).toBe(1);
  });

  it("a delete with a stale vclock leaves the tombstone beside the newer value", async () => {
    const key = { bucket, key: "stale-delete" };
    const first = await putObject(connection, key, "v1", undefined, { returnBody: true });
    await putObject(connection, key, "v2", first.vclock);
    await deleteObject(connection, key, first.vclock);
    expect(siblingValues(await getObject(connection, key))).toEqual(["<deleted>", "v2"]);
  });
});

describe("tombstones after the reap window", () => {
  const reapMs = 50;
  let cluster: RiakTestCluster;
  let connection: RawConnection;

  beforeAll(async () => {
    ({ cluster, connection } = await startWithAllowMult(reapMs));
  });

  afterAll(async () => {
    connection.close();
    await cluster.close();
  });

  it("the key is gone: no deletedvclock, no listing, and a blind put has no tombstone sibling", async () => {
    const key = { bucket, key: "reaped" };
    await putObject(connection, key, "v1");
    await deleteObject(connection, key);
    await sleep(reapMs * 4);

    expect(cluster.siblingCount("default", bucket, "reaped")).toBe(0);
    const read = await getObject(connection, key, { deletedvclock: true });
    expect(read.content).toEqual([]);
    expect(read.vclock).toHaveLength(0);
    expect(await listKeys(connection, bucket)).not.toContain("reaped");

    await putObject(connection, key, "v2");
    expect(siblingValues(await getObject(connection, key))).toEqual(["v2"]);
  });

  it("a tombstone that has a live sibling is kept", async () => {
    const key = { bucket, key: "kept" };
    await putObject(connection, key, "v1");
    await deleteObject(connection, key);
    await putObject(connection, key, "v2");
    await sleep(reapMs * 4);
    expect(siblingValues(await getObject(connection, key))).toEqual(["<deleted>", "v2"]);
  });
});
