import { createClient, createRouterTransport } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { errorMapping } from "../../src/server/error-mapping.js";
import { createApp } from "../../src/service.js";
import { useScenarios } from "../riak/scenarios-support.js";
import { testAppOptions } from "../support/module-options.js";

const { startCluster, openInstances } = useScenarios();

const request = {
  username: "ann",
  category: "order",
  message: "Your order has shipped",
  properties: { order: "8812" },
  idempotencyKey: "shipment-8812",
};

/** Three service instances, each through its own Riak node, with its own ids and caches. */
async function threeServices() {
  const cluster = await startCluster();
  const instances = await openInstances(cluster, 3);
  return instances.map((instance) => {
    const app = createApp(instance.store, testAppOptions());
    const transport = createRouterTransport((router) => app.routes(router), {
      router: { interceptors: [errorMapping] },
    });
    return { instance, app, client: createClient(NotificationService, transport) };
  });
}

// Contract §9.1: retries of one idempotency key racing through different
// instances and Riak nodes leave exactly one notification, and every retry
// after the race answers that one.
describe("idempotent create raced through three instances on three Riak nodes", () => {
  it("three writes from one stale read each: the merge keeps one copy, and later retries answer it", async () => {
    const services = await threeServices();
    // Each instance reads the user's (empty) list, then its write waits, so
    // that all three write with the same stale context: three siblings.
    const holds = services.map((s) => s.instance.store.hold());
    const racing = services.map((s) => s.client.createNotification(request));
    await Promise.all(holds.map((h) => h.arrived));
    for (const hold of holds) hold.release();
    const raced = await Promise.all(racing);
    const racedIds = raced.map((r) => r.notification?.id ?? "");
    // The race happened: each instance created (and answered) its own copy.
    expect(new Set(racedIds).size).toBe(3);
    expect(raced.map((r) => r.replayed)).toEqual([false, false, false]);

    for (const s of services) {
      const listed = await s.client.listNotifications({ username: "ann" });
      expect(listed.notifications.map((n) => n.id)).toEqual([[...racedIds].sort()[0]]);
    }
    const winner = [...racedIds].sort()[0];
    const retries = await Promise.all(
      services.flatMap((s) => [
        s.client.createNotification(request),
        s.client.createNotification(request),
      ]),
    );
    for (const retry of retries) {
      expect(retry.replayed).toBe(true);
      expect(retry.notification?.id).toBe(winner);
      expect(retry.notification?.createdAt).toEqual(
        raced[racedIds.indexOf(winner ?? "")]?.notification?.createdAt,
      );
    }
    const stored = (await services[0]?.instance.repos.inboxes.read("ann"))?.head;
    expect(stored?.notifications.map((n) => n.id)).toEqual([winner]);
    expect([...(stored?.deletedIds ?? [])].sort()).toEqual([...racedIds].sort().slice(1));
    for (const s of services) await s.app.idle();
  });

  it("thirty concurrent retries through the three instances leave exactly one notification", async () => {
    const services = await threeServices();
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => services[i % 3]?.client.createNotification(request)),
    );
    expect(answers.every((a) => a?.notification?.message === request.message)).toBe(true);
    const listed = await Promise.all(
      services.map((s) => s.client.listNotifications({ username: "ann" })),
    );
    const ids = listed.map((l) => l.notifications.map((n) => n.id));
    expect(ids[0]).toHaveLength(1);
    expect(ids[1]).toEqual(ids[0]);
    expect(ids[2]).toEqual(ids[0]);
    const after = await Promise.all(services.map((s) => s.client.createNotification(request)));
    for (const retry of after) {
      expect(retry.replayed).toBe(true);
      expect(retry.notification?.id).toBe(ids[0]?.[0]);
    }
    for (const s of services) await s.app.idle();
  });
});
