import { Code, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  Health,
  HealthCheckResponse_ServingStatus as Status,
} from "../../src/gen/grpc/health/v1/health_pb.js";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { type RunningService, startService } from "../../src/service.js";
import {
  mergeConfig,
  type ServiceUnderTest,
  startServiceUnderTest,
} from "../support/service-under-test.js";

describe("draining (Riak store answering slowly)", () => {
  let sut: ServiceUnderTest | undefined;
  let reopened: RunningService | undefined;
  afterEach(async () => {
    await reopened?.close();
    await sut?.close();
  });

  async function start(drainMs: number, delayMs: number) {
    sut = await startServiceUnderTest("riak", { server: { drain_ms: drainMs } });
    const transport = createGrpcTransport({ baseUrl: sut.baseUrl });
    const cluster = sut.riak;
    if (!cluster) throw new Error("no Riak cluster");
    // A create in flight once Riak has its first request of it.
    const inFlight = async () => {
      const before = cluster.nodes.reduce((sum, node) => sum + node.requestCount, 0);
      for (const node of cluster.nodes) node.setDelay(delayMs);
      const call = createClient(NotificationService, transport).createNotification({
        username: "draining",
        category: "like",
        message: "in flight",
      });
      await vi.waitFor(() =>
        expect(cluster.nodes.reduce((sum, n) => sum + n.requestCount, 0)).toBeGreaterThan(before),
      );
      // Wrapped, so that awaiting this does not wait for the call itself.
      return { call };
    };
    return { sut, transport, cluster, inFlight };
  }

  it("tells watchers NOT_SERVING, is not ready, lets a unary call finish, ends streams with UNAVAILABLE", async () => {
    const { sut, transport, cluster, inFlight } = await start(10_000, 300);
    const watch = createClient(Health, transport).watch({})[Symbol.asyncIterator]();
    expect((await watch.next()).value?.status).toBe(Status.SERVING);
    const { call: create } = await inFlight();

    const closed = sut.service.close();
    expect((await watch.next()).value?.status).toBe(Status.NOT_SERVING);
    await expect(watch.next()).rejects.toMatchObject({ code: Code.Unavailable });
    const ready = await fetch(`${sut.adminUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.text()).toBe("not ready: the server is shutting down\n");

    // The call that was in flight is answered, and its write is stored.
    const { notification } = await create;
    await closed;
    for (const node of cluster.nodes) node.setDelay(0);
    reopened = await startService(
      mergeConfig({
        server: { port: 0, admin_port: 0, host: "127.0.0.1" },
        riak: { nodes: cluster.nodeList },
        log: { level: "silent" },
      }),
    );
    const listed = await createClient(
      NotificationService,
      createGrpcTransport({ baseUrl: `http://127.0.0.1:${reopened.port}` }),
    ).listNotifications({ username: "draining" });
    expect(listed.notifications.map((n) => n.id)).toEqual([notification?.id]);
  });

  it("cuts a call still running after server.drain_ms, and finishes closing", async () => {
    const { sut, inFlight } = await start(100, 1000);
    const { call } = await inFlight();
    const closed = sut.service.close();
    // Its outcome is unknown to the client: the connection is cut under it.
    await expect(call).rejects.toMatchObject({ code: Code.Canceled });
    await closed;
  });
});
