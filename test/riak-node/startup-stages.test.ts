import type { DescMessage, MessageInitShape } from "@bufbuild/protobuf";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  RpbDelReqSchema,
  RpbGetReqSchema,
  RpbListKeysReqSchema,
  RpbPutReqSchema,
} from "../../src/gen/riak/riak_kv_pb.js";
import { RpbGetBucketTypeReqSchema } from "../../src/gen/riak/riak_pb.js";
import { Quorum } from "../support/riak-node/bucket-props.js";
import { type RiakTestCluster, startRiakTestCluster } from "../support/riak-node/index.js";
import { errorText, getObject, putObject, putRequest, siblingValues } from "./kv-calls.js";
import { connectTo, type RawConnection } from "./raw-connection.js";

const text = (value: string) => new TextEncoder().encode(value);
const address = { bucket: "b", key: "k" };
const key = { bucket: text("b"), key: text("k") };

describe("a node that is still starting", () => {
  let cluster: RiakTestCluster;
  let connection: RawConnection;
  const node = () => cluster.nodes[0] as RiakTestCluster["nodes"][number];

  /** The errmsg of the reply to a request (fails unless the reply is an RpbErrorResp). */
  const refusal = async <Desc extends DescMessage>(
    code: number,
    schema: Desc,
    init: MessageInitShape<Desc>,
  ): Promise<string> => errorText(await connection.call(code, schema, init));

  beforeEach(async () => {
    cluster = await startRiakTestCluster({ nodes: 2 });
    connection = await connectTo(cluster, 0);
    await putObject(connection, address, "stored");
  });

  afterEach(async () => {
    connection.close();
    await cluster.close();
  });

  it("answers riak_kv's messages as unknown codes before riak_kv has registered them", async () => {
    node().setStartupStage("listenerOnly");
    expect(await refusal(9, RpbGetReqSchema, key)).toBe("Unknown message code: 9");
    expect(await refusal(11, RpbPutReqSchema, putRequest(address, "new"))).toBe(
      "Unknown message code: 11",
    );
    expect(await refusal(13, RpbDelReqSchema, key)).toBe("Unknown message code: 13");
    expect(await refusal(17, RpbListKeysReqSchema, { bucket: text("b") })).toBe(
      "Unknown message code: 17",
    );
    // riak_api's own messages work, and the connection stays open.
    connection.send(1);
    expect((await connection.expectFrame()).code).toBe(2);
    const props = await connection.call(31, RpbGetBucketTypeReqSchema, { type: text("default") });
    expect(props.code).toBe(20);
    // The other node serves the same data.
    const other = await connectTo(cluster, 1);
    expect(siblingValues(await getObject(other, address))).toEqual(["stored"]);
    other.close();

    node().setStartupStage("serving");
    expect(siblingValues(await getObject(connection, address))).toEqual(["stored"]);
  });

  it("fails every key request without vnodes, with Riak's texts", async () => {
    node().setStartupStage("noVnodes");
    const get = (extra: MessageInitShape<typeof RpbGetReqSchema>) =>
      refusal(9, RpbGetReqSchema, { ...extra, ...key });
    expect(await get({})).toBe("{insufficient_vnodes,0,need,2}");
    expect(await get({ r: Quorum.all })).toBe("{insufficient_vnodes,0,need,3}");
    expect(await get({ r: 1, pr: Quorum.one })).toBe("{pr_val_unsatisfied,1,0}");
    // Quorums above n_val are refused before the preference list is looked at.
    expect(await get({ r: 4 })).toBe("{n_val_violation,3}");
    expect(await refusal(11, RpbPutReqSchema, putRequest(address, "new"))).toBe("all_nodes_down");
    // A delete without a vclock reads the key first, at rw.
    expect(await refusal(13, RpbDelReqSchema, key)).toBe("{insufficient_vnodes,0,need,2}");
    expect(await refusal(13, RpbDelReqSchema, { ...key, r: 1 })).toBe(
      "{insufficient_vnodes,0,need,1}",
    );
    expect(await refusal(17, RpbListKeysReqSchema, { bucket: text("b") })).toBe(
      "insufficient_vnodes_available",
    );
    connection.send(1);
    expect((await connection.expectFrame()).code).toBe(2);

    node().setStartupStage("serving");
    expect(siblingValues(await getObject(connection, address))).toEqual(["stored"]);
  });

  it("without vnodes, refuses a delete that carries a vclock as a write", async () => {
    const { vclock } = await getObject(connection, address);
    node().setStartupStage("noVnodes");
    expect(await refusal(13, RpbDelReqSchema, { ...key, vclock })).toBe("all_nodes_down");
    node().setStartupStage("serving");
    expect(siblingValues(await getObject(connection, address))).toEqual(["stored"]);
  });
});
