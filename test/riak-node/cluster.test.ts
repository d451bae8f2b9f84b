import { type AddressInfo, createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RpbGetServerInfoRespSchema } from "../../src/gen/riak/riak_pb.js";
import { type RiakTestCluster, startRiakTestCluster } from "../support/riak-node/index.js";
import { decodeVclock } from "../support/riak-node/vclock-codec.js";
import { getObject, putObject, siblingValues } from "./kv-calls.js";
import { decodeFrame, RawConnection } from "./raw-connection.js";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("a three-node test cluster", () => {
  let cluster: RiakTestCluster;
  let connections: RawConnection[];

  beforeAll(async () => {
    cluster = await startRiakTestCluster({ bucketTypes: { multi: { allowMult: true } } });
    connections = await Promise.all(
      cluster.nodes.map((node) => RawConnection.open(node.port, node.host)),
    );
  });

  afterAll(async () => {
    for (const connection of connections) connection.close();
    await cluster.close();
  });

  const via = (index: number): RawConnection => {
    const connection = connections[index];
    if (connection === undefined) throw new Error(`no connection ${index}`);
    return connection;
  };

  it("has three named nodes on distinct ports, listed as RIAK_NODES expects", () => {
    expect(cluster.nodes.map((node) => node.name)).toEqual([
      "riak1@127.0.0.1",
      "riak2@127.0.0.1",
      "riak3@127.0.0.1",
    ]);
    expect(new Set(cluster.nodes.map((node) => node.port)).size).toBe(3);
    expect(cluster.nodeList).toBe(cluster.nodes.map((node) => `127.0.0.1:${node.port}`).join(","));
  });

  it("each node reports its own name and the Riak version", async () => {
    for (const [index, node] of cluster.nodes.entries()) {
      via(index).send(7);
      const info = decodeFrame(await via(index).expectFrame(), 8, RpbGetServerInfoRespSchema);
      expect(new TextDecoder().decode(info.node)).toBe(node.name);
      expect(new TextDecoder().decode(info.serverVersion)).toBe("3.2.2p1-nhse");
    }
  });

  it("every node serves the same data: a write through one is read through the others", async () => {
    const key = { bucket: "shared", key: "k" };
    const written = await putObject(via(0), key, "v", undefined, { returnBody: true });
    for (const index of [1, 2]) {
      const read = await getObject(via(index), key);
      expect(siblingValues(read)).toEqual(["v"]);
      expect(read.vclock).toEqual(written.vclock);
    }
  });

  it("blind writes through two nodes leave two siblings and a vclock entry per node", async () => {
    const key = { type: "multi", bucket: "shared", key: "two-writers" };
    await Promise.all([putObject(via(0), key, "from-1"), putObject(via(1), key, "from-2")]);
    const read = await getObject(via(2), key);
    expect(siblingValues(read)).toEqual(["from-1", "from-2"]);
    expect(decodeVclock(read.vclock)?.size).toBe(2);
    expect(cluster.siblingCount("multi", "shared", "two-writers")).toBe(2);
  });

  it("siblingCount is 0 for a key never written", () => {
    expect(cluster.siblingCount("multi", "shared", "never")).toBe(0);
  });
});

describe("cluster options", () => {
  it("listens on the given ports, one node per port", async () => {
    const ports = [await freePort(), await freePort()];
    const cluster = await startRiakTestCluster({ ports });
    try {
      expect(cluster.nodes.map((node) => node.port)).toEqual(ports);
      expect(cluster.nodeList).toBe(ports.map((port) => `127.0.0.1:${port}`).join(","));
    } finally {
      await cluster.close();
    }
  });

  it("fails when a port is taken, and leaves no node listening", async () => {
    const first = await startRiakTestCluster({ nodes: 1 });
    const taken = first.nodes[0]?.port ?? 0;
    const free = await freePort();
    try {
      await expect(startRiakTestCluster({ ports: [free, taken] })).rejects.toMatchObject({
        code: "EADDRINUSE",
      });
      await expect(RawConnection.open(free)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    } finally {
      await first.close();
    }
  });

  it("rejects contradictory or impossible options with a message naming the option", async () => {
    await expect(startRiakTestCluster({ nodes: 2, ports: [1] })).rejects.toThrow(/ports/);
    await expect(startRiakTestCluster({ nodes: 0 })).rejects.toThrow(/nodes/);
    await expect(startRiakTestCluster({ tombstoneReapMs: -1 })).rejects.toThrow(/tombstoneReapMs/);
  });
});
