import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  Health,
  HealthCheckResponse_ServingStatus as Status,
} from "../../src/gen/grpc/health/v1/health_pb.js";
import { RiakClient } from "../../src/riak/client.js";
import { sample, scrape } from "../operability/metrics-text.js";
import {
  type RiakTestCluster,
  type StartupStage,
  startRiakTestCluster,
} from "../support/riak-node/index.js";
import { type ServiceUnderTest, startServiceUnderTest } from "../support/service-under-test.js";

describe("readiness on Riak: a quorum read, not a ping", () => {
  let sut: ServiceUnderTest;
  const riak = (): RiakTestCluster => {
    if (!sut.riak) throw new Error("no Riak test cluster");
    return sut.riak;
  };
  const setStage = (stage: StartupStage) => {
    for (const node of riak().nodes) node.setStartupStage(stage);
  };
  const readyz = async () => {
    const response = await fetch(`${sut.adminUrl}/readyz`);
    return { status: response.status, text: await response.text() };
  };
  const health = () => createClient(Health, createGrpcTransport({ baseUrl: sut.baseUrl }));

  beforeAll(async () => {
    // Breakers that close again quickly, so that one test's failures do not outlast it.
    sut = await startServiceUnderTest(
      "riak",
      {},
      { riak: { cluster: { breakerResetTimeoutMs: 50 } } },
    );
  });
  afterAll(async () => {
    await sut.close();
  });

  const expectReadyAgain = async () => {
    await vi.waitFor(async () => expect((await readyz()).status).toBe(200), {
      timeout: 5000,
      interval: 100,
    });
    expect((await health().check({})).status).toBe(Status.SERVING);
  };

  it.each<[StartupStage, RegExp]>([
    // riak_kv is up, but no vnode yet: every read fails although the nodes answer pings.
    ["noVnodes", /\{insufficient_vnodes,0,need,2\}/],
    // Before riak_kv has registered its messages at all.
    ["listenerOnly", /Unknown message code: 9|circuit breaker open/],
  ])("is not ready, and health NOT_SERVING, while every node is at %s", async (stage, why) => {
    expect((await readyz()).status).toBe(200);
    setStage(stage);
    try {
      const client = new RiakClient(riak().nodes[0] as RiakTestCluster["nodes"][number]);
      await client.ping();
      client.close();
      const answer = await readyz();
      expect(answer.status).toBe(503);
      expect(answer.text).toMatch(/^not ready: storage is unreachable \(/);
      expect(answer.text).toMatch(why);
      expect((await health().check({})).status).toBe(Status.NOT_SERVING);
    } finally {
      setStage("serving");
    }
    await expectReadyAgain();
  });

  it("is not ready from the start when the service starts before the nodes' vnodes", async () => {
    const cluster = await startRiakTestCluster({
      bucketTypes: { notifications: { allowMult: true, dvvEnabled: true } },
    });
    try {
      // The start-up check of the bucket type still works: riak_api answers it.
      for (const node of cluster.nodes) node.setStartupStage("noVnodes");
      const early = await startServiceUnderTest("embedded", {
        riak: { nodes: cluster.nodeList },
        // Without a check at start, the first background read would come a minute later.
        storage: { ping_interval_ms: 60_000 },
      });
      try {
        await vi.waitFor(
          async () =>
            expect(sample(await scrape(early.adminUrl), "notification_storage_reachable")).toBe(0),
          { timeout: 5000, interval: 50 },
        );
      } finally {
        await early.close();
      }
    } finally {
      await cluster.close();
    }
  });

  it("stays ready while one node is starting: the probe's read moves on to another node", async () => {
    const [starting] = riak().nodes;
    starting?.setStartupStage("listenerOnly");
    try {
      for (let i = 0; i < 6; i += 1) expect((await readyz()).status).toBe(200);
      expect(starting?.requests.get(9)).toBeGreaterThan(0);
    } finally {
      starting?.setStartupStage("serving");
    }
  });
});
