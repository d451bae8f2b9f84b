import type { MessageInitShape } from "@bufbuild/protobuf";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RpbGetReqSchema } from "../../src/gen/riak/riak_kv_pb.js";
import { Quorum } from "../support/riak-node/bucket-props.js";
import {
  type ReplicaState,
  type RiakTestCluster,
  startRiakTestCluster,
} from "../support/riak-node/index.js";
import { deleteObject, errorText, getObject, putObject, siblingValues } from "./kv-calls.js";
import { connectTo, type RawConnection } from "./raw-connection.js";

const text = (value: string) => new TextEncoder().encode(value);
const address = { bucket: "b", key: "k" };
const key = { bucket: text("b"), key: text("k") };

const primary = (hasKey: boolean): ReplicaState => ({ role: "primary", hasKey });
const fallback: ReplicaState = { role: "fallback", hasKey: false };
// One node down that held two of the key's replicas: their fallbacks (empty) answer first.
const fallbacksFirst = [fallback, fallback, primary(true)];
// Just restarted, the node's two primaries have not had the key handed back yet.
const restartedPrimariesFirst = [primary(false), primary(false), primary(true)];
const primaryFirst = [primary(true), fallback, fallback];
const layouts = { fallbacksFirst, restartedPrimariesFirst, primaryFirst };

type ReadOptions = MessageInitShape<typeof RpbGetReqSchema>;

describe("reads that meet replicas without the key", () => {
  let cluster: RiakTestCluster;
  let connection: RawConnection;

  /** What a get answers: the values, "not found", or the error text. */
  const read = async (options: ReadOptions): Promise<string> => {
    const frame = await connection.call(9, RpbGetReqSchema, { ...options, ...key });
    if (frame.code === 0) return errorText(frame);
    const values = siblingValues(await getObject(connection, address, options));
    return values.length === 0 ? "not found" : values.join(",");
  };

  beforeEach(async () => {
    // allow_mult, so that a blind write stands beside the stored value as in our bucket type.
    cluster = await startRiakTestCluster({
      nodes: 2,
      bucketTypes: { default: { allowMult: true } },
    });
    connection = await connectTo(cluster, 0);
    await putObject(connection, address, "stored");
  });

  afterEach(async () => {
    connection.close();
    await cluster.close();
  });

  it.each<[string, keyof typeof layouts, ReadOptions, string]>([
    ["bucket defaults (r quorum, notfound_ok)", "fallbacksFirst", {}, "not found"],
    ["notfound_ok false", "fallbacksFirst", { notfoundOk: false }, "not found"],
    [
      "notfound_ok false, basic_quorum true",
      "fallbacksFirst",
      { notfoundOk: false, basicQuorum: true },
      "not found",
    ],
    ["pr quorum", "fallbacksFirst", { pr: Quorum.quorum }, "{pr_val_unsatisfied,2,1}"],
    ["pr 1", "fallbacksFirst", { pr: 1 }, "stored"],
    ["r all", "fallbacksFirst", { r: Quorum.all }, "stored"],
    [
      "r all, notfound_ok false",
      "fallbacksFirst",
      { r: Quorum.all, notfoundOk: false },
      "not found",
    ],
    [
      "r one, notfound_ok false, basic_quorum false",
      "fallbacksFirst",
      { r: Quorum.one, notfoundOk: false, basicQuorum: false },
      "stored",
    ],
    [
      "r one, notfound_ok false, basic_quorum true",
      "fallbacksFirst",
      { r: Quorum.one, notfoundOk: false, basicQuorum: true },
      "not found",
    ],
    ["notfound_ok false", "primaryFirst", { notfoundOk: false }, "{r_val_unsatisfied,2,1}"],
    ["bucket defaults", "primaryFirst", {}, "stored"],
    ["bucket defaults", "restartedPrimariesFirst", {}, "not found"],
    ["pr 1", "restartedPrimariesFirst", { pr: 1 }, "not found"],
    ["pr quorum", "restartedPrimariesFirst", { pr: Quorum.quorum }, "not found"],
    ["r all", "restartedPrimariesFirst", { r: Quorum.all }, "stored"],
    ["notfound_ok false", "restartedPrimariesFirst", { notfoundOk: false }, "not found"],
    [
      "notfound_ok false, basic_quorum true",
      "restartedPrimariesFirst",
      { notfoundOk: false, basicQuorum: true },
      "not found",
    ],
    [
      "r one, notfound_ok false, basic_quorum false",
      "restartedPrimariesFirst",
      { r: Quorum.one, notfoundOk: false, basicQuorum: false },
      "stored",
    ],
  ])("%s, %s: %s", async (_name, layout, options, expected) => {
    cluster.setReplicas("default", "b", "k", layouts[layout]);
    expect(await read(options)).toBe(expected);
  });

  it("answers a tombstone's vclock only when a counted replica holds it", async () => {
    const { vclock } = await getObject(connection, address);
    await deleteObject(connection, address, vclock);
    cluster.setReplicas("default", "b", "k", fallbacksFirst);
    expect((await getObject(connection, address, { deletedvclock: true })).vclock).toEqual(
      new Uint8Array(0),
    );
    const all = await getObject(connection, address, { deletedvclock: true, r: Quorum.all });
    expect(all.vclock.length).toBeGreaterThan(0);
    expect(all.content).toEqual([]);
  });

  it("applies to every node and to that key only; writes still reach the stored object", async () => {
    cluster.setReplicas("default", "b", "k", fallbacksFirst);
    const other = await connectTo(cluster, 1);
    expect(siblingValues(await getObject(other, address))).toEqual([]);
    await putObject(other, { bucket: "b", key: "k2" }, "elsewhere");
    expect(siblingValues(await getObject(other, { bucket: "b", key: "k2" }))).toEqual([
      "elsewhere",
    ]);
    // A write made from what looked like a missing key stands beside the stored value.
    await putObject(other, address, "blind");
    other.close();

    cluster.setReplicas("default", "b", "k", undefined);
    expect(siblingValues(await getObject(connection, address))).toEqual(["blind", "stored"]);
  });
});
