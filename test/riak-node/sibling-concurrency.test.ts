import { setImmediate as yieldToOthers } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RpbSetBucketReqSchema } from "../../src/gen/riak/riak_pb.js";
import { type RiakTestCluster, startRiakTestCluster } from "../support/riak-node/index.js";
import { type Address, getObject, putObject } from "./kv-calls.js";
import { connectTo, type RawConnection } from "./raw-connection.js";

const writerCount = 8;

describe("concurrent read-modify-write writers", () => {
  let cluster: RiakTestCluster;
  let connections: RawConnection[];

  beforeAll(async () => {
    cluster = await startRiakTestCluster({
      bucketTypes: { dvv: { allowMult: true, dvvEnabled: true }, plain: { allowMult: true } },
    });
    // Writers spread over the nodes: they all share one backend.
    connections = await Promise.all(
      Array.from({ length: writerCount }, (_, index) =>
        connectTo(cluster, index % cluster.nodes.length),
      ),
    );
    const allowMult = await connections[0]?.call(21, RpbSetBucketReqSchema, {
      bucket: new TextEncoder().encode("multi"),
      props: { allowMult: true },
    });
    expect(allowMult?.code).toBe(22);
  });

  afterAll(async () => {
    for (const connection of connections) connection.close();
    await cluster.close();
  });

  const countOf = (address: Address): number =>
    cluster.siblingCount(address.type ?? "default", address.bucket, address.key);

  // Each writer writes with the context of its own last read, and between its
  // read and its write every other writer writes once: all writes are concurrent.
  async function takeTurns(address: Address, rounds: number): Promise<number[]> {
    const contexts: (Uint8Array | undefined)[] = new Array(writerCount).fill(undefined);
    const counts: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      for (const [writer, connection] of connections.entries()) {
        await putObject(connection, address, `w${writer}r${round}`, contexts[writer]);
        counts.push(countOf(address));
        contexts[writer] = (await getObject(connection, address)).vclock;
      }
    }
    return counts;
  }

  it("with DVV, a write replaces what its writer saw: never more siblings than writers", async () => {
    const counts = await takeTurns({ type: "dvv", bucket: "turns", key: "k" }, 3);
    expect(Math.max(...counts)).toBe(writerCount);
    expect(counts.at(-1)).toBe(writerCount);
  });

  it("without DVV, the same writes keep every sibling: they pile up past the writer count", async () => {
    const rounds = 3;
    for (const address of [
      { type: "plain", bucket: "turns", key: "k" },
      { bucket: "multi", key: "k" },
    ]) {
      const counts = await takeTurns(address, rounds);
      expect(counts.at(-1), JSON.stringify(address)).toBe(writerCount * rounds);
    }
  });

  it("with DVV, free-running writers in any interleaving stay within the writer count", async () => {
    const address = { type: "dvv", bucket: "free", key: "k" };
    const counts: number[] = [];
    await Promise.all(
      connections.map(async (connection, writer) => {
        for (let round = 0; round < 12; round += 1) {
          const read = await getObject(connection, address);
          // Uneven pauses vary the interleaving between reads and writes.
          for (let pause = (writer * 7 + round) % 4; pause > 0; pause -= 1) await yieldToOthers();
          await putObject(connection, address, `w${writer}r${round}`, read.vclock);
          counts.push(countOf(address));
        }
      }),
    );
    expect(counts).toHaveLength(writerCount * 12);
    expect(Math.max(...counts)).toBeLessThanOrEqual(writerCount);
    expect(Math.max(...counts)).toBeGreaterThan(1);
  });
});
