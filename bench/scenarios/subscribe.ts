import { type Client, Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { StreamService } from "../../src/gen/notification/v1/stream_pb.js";
import type { Figure } from "../figure.js";
import { notificationRequest } from "../fixtures.js";
import { percentiles } from "../latency.js";
import { protocols, type Scenario } from "../scenario.js";

/** How long every subscriber may take to receive its notification, in ms. */
const deliveryTimeoutMs = 60_000;

/** Streams per HTTP/2 connection: below the server's limit (`max_streams_per_connection`, 100). */
const streamsPerConnection = 50;

/**
 * Subscribe fan-out over gRPC, on a service process of its own: N
 * subscribers, one user each. Memory per idle subscriber is the service's RSS
 * (and heap) growth, after full GCs, from opening the N streams, divided by N. Then each user gets one notification; delivery
 * latency runs from sending its CreateNotification to its arrival on the stream.
 */
export const subscribeScenario: Scenario = {
  id: "subscribe",
  async run(context) {
    const n = context.options.subscribers;
    const host = await context.freshService(context.options.stores[0] ?? "embedded");
    const connections: Client<typeof StreamService>[] = [];
    const connectionFor = (i: number) => {
      const index = Math.floor(i / streamsPerConnection);
      const existing = connections[index];
      if (existing) return existing;
      const created = createClient(StreamService, createGrpcTransport({ baseUrl: host.baseUrl }));
      connections[index] = created;
      return created;
    };
    const notifications = createClient(
      NotificationService,
      createGrpcTransport({ baseUrl: host.baseUrl }),
    );
    const name = `Subscribe, ${n} subscribers · ${host.store} · ${protocols.grpc}`;
    const abort = new AbortController();
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let allDelivered: () => void = () => {};
    const delivered = new Promise<void>((resolve) => {
      allDelivered = resolve;
    });

    // Subscriber i follows user sub-i; resolves once its first event (the state) arrived.
    const subscribe = (i: number) =>
      new Promise<void>((ready, fail) => {
        const username = `sub-${i}`;
        const streams = connectionFor(i);
        const consume = async () => {
          for await (const message of streams.subscribe({ username }, { signal: abort.signal })) {
            if (message.event.case === "state") ready();
            if (message.event.case !== "notification") continue;
            const sent = sentAt.get(username);
            if (sent === undefined) continue;
            latencies.push(performance.now() - sent);
            if (latencies.length === n) allDelivered();
          }
        };
        consume().catch((error: unknown) => {
          fail(error);
        });
      });

    try {
      const before = await host.memory();
      const first = await subscribe(0).then(
        () => undefined,
        (error: unknown) => error,
      );
      if (first !== undefined) {
        const unimplemented = ConnectError.from(first).code === Code.Unimplemented;
        return [{ name, skipped: unimplemented ? "StreamService is not served" : String(first) }];
      }
      for (let i = 1; i < n; i += 100) {
        const batch = Array.from({ length: Math.min(100, n - i) }, (_, k) => i + k);
        await Promise.all(batch.map(subscribe));
      }
      const after = await host.memory();
      let next = 0;
      const send = async () => {
        while (next < n) {
          const username = `sub-${next++}`;
          sentAt.set(username, performance.now());
          await notifications.createNotification(notificationRequest(username, 0));
        }
      };
      await Promise.all(Array.from({ length: context.load.concurrency }, send));
      const timedOut = await Promise.race([
        delivered.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(resolve, deliveryTimeoutMs, true).unref()),
      ]);
      const figure: Figure = {
        name,
        ...percentiles(latencies),
        extra: {
          rssBytesPerSubscriber: (after.rss - before.rss) / n,
          heapBytesPerSubscriber: (after.heapUsed - before.heapUsed) / n,
          delivered: latencies.length,
        },
      };
      return [timedOut ? { ...figure, errors: n - latencies.length } : figure];
    } finally {
      abort.abort();
      await host.close();
    }
  },
};
