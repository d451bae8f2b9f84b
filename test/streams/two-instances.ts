import { afterAll, afterEach, beforeAll } from "vitest";
import { type RiakTestCluster, startRiakTestCluster } from "../support/riak-node/index.js";
import { type ServiceUnderTest, startServiceUnderTest } from "../support/service-under-test.js";
import { type RedisServer, startRedisServer } from "./redis-server.js";
import { StreamReader } from "./stream-reader.js";
import { type TransportName, transports } from "./transports.js";

/** Two service instances, their Riak test cluster and redis-server, and a way to subscribe. */
export interface TwoInstances {
  readonly a: ServiceUnderTest;
  readonly b: ServiceUnderTest;
  readonly redis: RedisServer;
  /** A stream read in the background, cancelled after the test. Default gRPC over h2c, live only. */
  subscribe(
    sut: ServiceUnderTest,
    username: string,
    after?: string,
    via?: TransportName,
  ): StreamReader;
}

/**
 * Registers, in the calling suite, two service instances on one 3-node Riak
 * test cluster (the production layout) fanning live events out over a real
 * redis-server, started before the suite and stopped after it.
 */
export function useTwoInstances(): TwoInstances {
  let redis: RedisServer | undefined;
  let riak: RiakTestCluster | undefined;
  let a: ServiceUnderTest | undefined;
  let b: ServiceUnderTest | undefined;
  const readers: StreamReader[] = [];
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the instances start in beforeAll");
    return value;
  };
  const startInstance = () =>
    startServiceUnderTest("embedded", {
      riak: { nodes: started(riak).nodeList },
      redis: { url: started(redis).url },
    });
  beforeAll(async () => {
    [redis, riak] = await Promise.all([
      startRedisServer(),
      startRiakTestCluster({
        nodes: 3,
        bucketTypes: { notifications: { allowMult: true, dvvEnabled: true } },
      }),
    ]);
    [a, b] = await Promise.all([startInstance(), startInstance()]);
  });
  afterEach(async () => {
    await Promise.all(readers.splice(0).map((r) => r.cancel()));
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await riak?.close();
    await redis?.kill();
  });
  return {
    get a() {
      return started(a);
    },
    get b() {
      return started(b);
    },
    get redis() {
      return started(redis);
    },
    subscribe(sut, username, after = "", via = "gRPC over h2c") {
      const reader = StreamReader.open(transports[via](sut.baseUrl), { username, after });
      readers.push(reader);
      return reader;
    },
  };
}
