import { setImmediate } from "node:timers/promises";
import { create, toBinary } from "@bufbuild/protobuf";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RpbPutReqSchema } from "../../src/gen/riak/riak_kv_pb.js";
import { type RiakTestCluster, startRiakTestCluster } from "../support/riak-node/index.js";
import { errorText, getObject, putObject, putRequest } from "./kv-calls.js";
import { connectTo, type RawConnection } from "./raw-connection.js";

const ping = async (connection: RawConnection): Promise<number | undefined> => {
  connection.send(1);
  return (await connection.readFrame())?.code;
};

describe("fault injection per node", () => {
  let cluster: RiakTestCluster;
  const node = (index: number) => {
    const found = cluster.nodes[index];
    if (found === undefined) throw new Error(`no node ${index}`);
    return found;
  };
  const open = (index: number) => connectTo(cluster, index);

  beforeEach(async () => {
    cluster = await startRiakTestCluster({ nodes: 2 });
  });

  afterEach(async () => {
    await cluster.close();
  });

  it("stop closes open connections and refuses new ones; start listens on the same port", async () => {
    const connection = await open(0);
    const port = node(0).port;
    await node(0).stop();
    await connection.waitClosed();
    await expect(open(0)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    // The other node is unaffected.
    expect(await ping(await open(1))).toBe(2);

    await node(0).start();
    expect(node(0).port).toBe(port);
    expect(node(0).address).toBe(`127.0.0.1:${port}`);
    expect(await ping(await open(0))).toBe(2);
  });

  it("a delayed node answers after an undelayed one that was asked later", async () => {
    const slow = await open(0);
    const fast = await open(1);
    node(0).setDelay(600);
    const order: string[] = [];
    const slowPing = ping(slow).then((code) => order.push(`slow:${code}`));
    await ping(fast).then((code) => order.push(`fast:${code}`));
    await slowPing;
    expect(order).toEqual(["fast:2", "slow:2"]);

    node(0).setDelay(0);
    const again = ping(slow).then((code) => order.push(`slow again:${code}`));
    await again;
    expect(order.at(-1)).toBe("slow again:2");
  });

  it("a request whose connection closes during the delay is never handled", async () => {
    const writer = await open(0);
    const prober = await open(0);
    node(0).setDelay(200);
    const put = create(RpbPutReqSchema, putRequest({ bucket: "b", key: "late" }, "v"));
    writer.send(11, toBinary(RpbPutReqSchema, put));
    while (node(0).requests.get(11) !== 1) await setImmediate();
    writer.close();
    // Delayed just as long but received later, the probe is answered after the put's delay ended.
    const probe = await getObject(prober, { bucket: "b", key: "late" });
    expect(probe.content).toEqual([]);
    expect(cluster.siblingCount("default", "b", "late")).toBe(0);
  });

  it("dropNextRequests destroys the socket without an answer, then normal service resumes", async () => {
    node(0).dropNextRequests(2);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const connection = await open(0);
      expect(await ping(connection)).toBeUndefined();
      expect(connection.closed).toBe(true);
    }
    expect(await ping(await open(0))).toBe(2);
    expect(node(0).requestCount).toBe(3);
    expect(node(1).requestCount).toBe(0);
  });

  it("a dropped put is not applied", async () => {
    node(0).dropNextRequests(1);
    const connection = await open(0);
    await expect(putObject(connection, { bucket: "b", key: "dropped" }, "v")).rejects.toThrow(
      /closed/,
    );
    expect(cluster.siblingCount("default", "b", "dropped")).toBe(0);
  });

  it("failNextRequests answers RpbErrorResp(errmsg, 0) without handling, and keeps the socket", async () => {
    const connection = await open(0);
    node(0).failNextRequests(2, "overload");
    await expect(putObject(connection, { bucket: "b", key: "failed" }, "v")).rejects.toThrow(
      /got 0:[\s\S]*overload/,
    );
    connection.send(1);
    const failedPing = await connection.expectFrame();
    expect(errorText(failedPing)).toBe("overload");
    expect(Buffer.from(failedPing.body).subarray(-2)).toEqual(Buffer.from([0x10, 0x00]));
    expect(await ping(connection)).toBe(2);
    expect(cluster.siblingCount("default", "b", "failed")).toBe(0);
  });

  it("dropConnections closes every open socket while the listener stays up", async () => {
    const first = await open(0);
    const second = await open(0);
    const other = await open(1);
    node(0).dropConnections();
    await first.waitClosed();
    await second.waitClosed();
    expect(await ping(await open(0))).toBe(2);
    expect(await ping(other)).toBe(2);
  });

  it("counts requests by message code, across stop and start", async () => {
    const connection = await open(0);
    await ping(connection);
    await ping(connection);
    await getObject(connection, { bucket: "b", key: "k" });
    await node(0).stop();
    await node(0).start();
    await ping(await open(0));
    expect(node(0).requests).toEqual(
      new Map([
        [1, 3],
        [9, 1],
      ]),
    );
    expect(node(0).requestCount).toBe(4);
  });

  it("rejects nonsensical fault settings", () => {
    expect(() => node(0).setDelay(-1)).toThrow(RangeError);
    expect(() => node(0).dropNextRequests(1.5)).toThrow(RangeError);
    expect(() => node(0).failNextRequests(-2, "x")).toThrow(RangeError);
  });
});
