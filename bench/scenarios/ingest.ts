import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Redis } from "ioredis";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { groupInfo } from "../../test/ingest/stream-group.js";
import { redisServerProgram, startRedisServer } from "../../test/streams/redis-server.js";
import type { Figure } from "../figure.js";
import { notificationRequest } from "../fixtures.js";
import { protocols, type Scenario } from "../scenario.js";

const users = 1000;
const stream = "bench-ingest";

/**
 * Ingestion throughput as a share of direct creates on the same store: a
 * fresh service consuming a real redis-server's stream (the default
 * `ingest.*` settings); first CreateNotification over gRPC for 1,000 users
 * round-robin, measured like the `create` figures; then as many entries as
 * that rate fills the measured time with, all published at once, timed from
 * the first XADD until the group has every entry read and acknowledged.
 */
export const ingestScenario: Scenario = {
  id: "ingest",
  async run(context) {
    if (redisServerProgram === undefined) {
      return [{ name: "ingest", skipped: "redis-server is not installed" }];
    }
    const figures: Figure[] = [];
    for (const store of context.options.stores) {
      const redis = await startRedisServer();
      const producer = new Redis(redis.url);
      const host = await context.freshService(store, {
        config: { redis: { url: redis.url }, ingest: { redis_stream: stream } },
      });
      try {
        const client = createClient(
          NotificationService,
          createGrpcTransport({ baseUrl: host.baseUrl }),
        );
        const [direct] = await context.measure("grpc", {
          [`CreateNotification, ${users} users round-robin (direct) · ${store} · ${protocols.grpc}`]:
            (i) => client.createNotification(notificationRequest(`rr-${i % users}`, i)),
        });
        if (!direct?.opsPerSecond) {
          figures.push(...(direct ? [direct] : []));
          continue;
        }
        const entries = Math.max(
          2000,
          Math.round((direct.opsPerSecond * context.load.durationMs) / 1000),
        );
        context.progress(`ingesting ${entries} entries on ${store}`);
        // Ten times the direct rate's time is a failure, not a figure.
        const seconds = await ingest(
          producer,
          entries,
          10 * Math.max(context.load.durationMs, 5000),
        );
        const opsPerSecond = entries / seconds;
        figures.push(direct, {
          name: `ingest: Redis stream → CreateNotification, ${users} users round-robin · ${store}`,
          opsPerSecond,
          extra: { entries, overDirectCreate: opsPerSecond / direct.opsPerSecond },
        });
      } finally {
        producer.disconnect();
        await host.close();
        await redis.kill();
      }
    }
    return figures;
  },
};

/**
 * Publishes `count` entries at once and resolves with the seconds until all
 * are acknowledged; rejects when that takes longer than `limitMs`.
 */
async function ingest(producer: Redis, count: number, limitMs: number): Promise<number> {
  const started = performance.now();
  const pipeline = producer.pipeline();
  for (let i = 0; i < count; i++) {
    const request = notificationRequest(`in-${i % users}`, i);
    pipeline.xadd(stream, "*", "request", JSON.stringify(request));
  }
  await pipeline.exec();
  for (;;) {
    const info = await groupInfo(producer, stream);
    if (info.read === count && info.pending === 0) break;
    if (performance.now() - started > limitMs) {
      throw new Error(`ingestion did not finish within ${limitMs} ms (${JSON.stringify(info)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return (performance.now() - started) / 1000;
}
