import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  RpbDelReqSchema,
  RpbGetReqSchema,
  RpbListKeysReqSchema,
} from "../../src/gen/riak/riak_kv_pb.js";
import {
  RpbGetBucketReqSchema,
  RpbGetBucketRespSchema,
  RpbGetBucketTypeReqSchema,
  RpbSetBucketReqSchema,
} from "../../src/gen/riak/riak_pb.js";
import { type RiakTestCluster, startRiakTestCluster } from "../support/riak-node/index.js";
import { errorText, getObject, putObject } from "./kv-calls.js";
import { fieldsOf } from "./message-view.js";
import { connectTo, decodeFrame, type RawConnection } from "./raw-connection.js";

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

describe("bucket types and bucket props", () => {
  let cluster: RiakTestCluster;
  let connection: RawConnection;

  beforeAll(async () => {
    cluster = await startRiakTestCluster({
      nodes: 1,
      bucketTypes: { single: { nVal: 1, dvvEnabled: true }, lww: { allowMult: false } },
    });
    connection = await connectTo(cluster);
  });

  afterAll(async () => {
    connection.close();
    await cluster.close();
  });

  const bucketPropsFrame = (bucket: string, type?: string) =>
    connection.call(19, RpbGetBucketReqSchema, {
      bucket: text(bucket),
      ...(type === undefined ? {} : { type: text(type) }),
    });
  const bucketProps = async (bucket: string, type?: string) =>
    decodeFrame(await bucketPropsFrame(bucket, type), 20, RpbGetBucketRespSchema);

  const setProps = async (
    bucket: string,
    props: { allowMult?: boolean; nVal?: number; lastWriteWins?: boolean },
    type?: string,
  ) =>
    connection.call(21, RpbSetBucketReqSchema, {
      bucket: text(bucket),
      props,
      ...(type === undefined ? {} : { type: text(type) }),
    });

  it("a configured type shows its settings, without repl, write_once or dvv_enabled", async () => {
    const reply = await bucketProps("b", "single");
    expect(reply.props?.nVal).toBe(1);
    // A new bucket type keeps siblings unless told otherwise, as on Riak.
    expect(reply.props?.allowMult).toBe(true);
    const present = Object.keys(
      fieldsOf(20, (await bucketPropsFrame("b", "single")).body).props ?? {},
    );
    expect(present).not.toContain("repl");
    expect(present).not.toContain("writeOnce");
    expect(present).toHaveLength(19);
  });

  it("props set on a bucket override its type's, for that bucket only", async () => {
    expect((await setProps("tuned", { allowMult: false, nVal: 2 }, "single")).code).toBe(22);
    expect((await bucketProps("tuned", "single")).props).toMatchObject({
      allowMult: false,
      nVal: 2,
    });
    expect((await bucketProps("other", "single")).props).toMatchObject({
      allowMult: true,
      nVal: 1,
    });
    const typeReply = await connection.call(31, RpbGetBucketTypeReqSchema, {
      type: text("single"),
    });
    expect(decodeFrame(typeReply, 20, RpbGetBucketRespSchema).props).toMatchObject({
      allowMult: true,
      nVal: 1,
    });
  });

  it("allow_mult decides whether a blind put makes a sibling or replaces", async () => {
    expect((await setProps("multi", { allowMult: true })).code).toBe(22);
    for (const [address, expected] of [
      [{ bucket: "multi", key: "k" }, 2],
      [{ bucket: "plain", key: "k" }, 1],
      [{ type: "lww", bucket: "b", key: "k" }, 1],
    ] as const) {
      await putObject(connection, address, "one");
      await putObject(connection, address, "two");
      expect((await getObject(connection, address)).content, JSON.stringify(address)).toHaveLength(
        expected,
      );
    }
  });

  it("last_write_wins on an allow_mult bucket replaces too", async () => {
    expect((await setProps("lww-bucket", { lastWriteWins: true }, "single")).code).toBe(22);
    const address = { type: "single", bucket: "lww-bucket", key: "k" };
    await putObject(connection, address, "one");
    await putObject(connection, address, "two");
    expect(cluster.siblingCount("single", "lww-bucket", "k")).toBe(1);
  });

  it("quorum values are bounded by the bucket's n_val", async () => {
    const address = { type: "single", bucket: "q", key: "k" };
    const tooMany = await connection.call(9, RpbGetReqSchema, {
      bucket: text("q"),
      key: text("k"),
      type: text("single"),
      r: 2,
    });
    expect(errorText(tooMany)).toBe("{n_val_violation,1}");
    await expect(getObject(connection, address, { r: 1 })).resolves.toBeDefined();
    expect((await setProps("wide", { nVal: 5 })).code).toBe(22);
    await expect(
      putObject(connection, { bucket: "wide", key: "k" }, "v", undefined, { w: 4 }),
    ).resolves.toBeDefined();
  });

  it("an unknown type fails every object request with no_type, and props requests by name", async () => {
    const del = await connection.call(13, RpbDelReqSchema, {
      bucket: text("b"),
      key: text("k"),
      type: text("nope"),
    });
    expect(errorText(del)).toBe("no_type");
    const list = await connection.call(17, RpbListKeysReqSchema, {
      bucket: text("b"),
      type: text("nope"),
    });
    expect(errorText(list)).toBe("no_type");
    const typeProps = await connection.call(31, RpbGetBucketTypeReqSchema, { type: text("nope") });
    expect(errorText(typeProps)).toBe("No bucket-type named 'nope'");
  });

  it("rejects a zero-length bucket on delete and list keys", async () => {
    const del = await connection.call(13, RpbDelReqSchema, {
      bucket: new Uint8Array(0),
      key: text("k"),
    });
    expect(errorText(del)).toBe("Bucket cannot be zero-length");
    const list = await connection.call(17, RpbListKeysReqSchema, { bucket: new Uint8Array(0) });
    expect(errorText(list)).toBe("Bucket cannot be zero-length");
  });
});
