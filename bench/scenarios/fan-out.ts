import { performance } from "node:perf_hooks";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { JobService } from "../../src/gen/notification/v1/job_pb.js";
import { JobState, NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { TopicService } from "../../src/gen/notification/v1/topic_pb.js";
import type { Figure } from "../figure.js";
import { notificationRequest } from "../fixtures.js";
import { runLoad } from "../load-loop.js";
import { protocols, type Scenario } from "../scenario.js";

const subscribers = 10_000;
// Turns of create load and publishes, so that outside load falls on both alike.
const rounds = 2;

/**
 * Fan-out against create on each store: a topic of 10,000 subscribers, and
 * in turns a create load (the bench's concurrency, over the same 10,000
 * users round-robin) and a PublishToTopic whose job is followed by GetJob
 * until done. The figure is the job's recipients per second; its ratio
 * divides by the create rate of the same turns (contract §13's goal: at
 * least 0.8).
 */
export const fanOutScenario: Scenario = {
  id: "fanout",
  async run(context) {
    const figures: Figure[] = [];
    for (const store of context.options.stores) {
      const host = await context.service(store);
      const transport = createGrpcTransport({ baseUrl: host.baseUrl });
      const notifications = createClient(NotificationService, transport);
      const topics = createClient(TopicService, transport);
      const jobs = createClient(JobService, transport);
      const topic = `bench-fanout-${store}`;
      const usernames = Array.from({ length: subscribers }, (_, i) => `fan${i}`);
      context.progress(`adding ${subscribers} subscribers to a topic on ${store}`);
      for (let i = 0; i < subscribers; i += 1000) {
        await topics.addTopicSubscribers({ topic, usernames: usernames.slice(i, i + 1000) });
      }
      const create = (i: number) =>
        notifications.createNotification(notificationRequest(`fan${i % subscribers}`, i));
      const createRates: number[] = [];
      let published = { recipients: 0, seconds: 0 };
      for (let round = 0; round < rounds; round++) {
        const load = await runLoad(create, {
          ...context.load,
          durationMs: context.load.durationMs / rounds,
          warmupMs: round === 0 ? context.load.warmupMs : 0,
        });
        createRates.push(load.opsPerSecond);
        const started = performance.now();
        const { job } = await topics.publishToTopic({
          topic,
          category: "announcement",
          message: `Bench announcement ${round}`,
        });
        let state = job;
        while (state && state.state !== JobState.DONE) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          state = (await jobs.getJob({ jobId: state.id })).job;
        }
        published = {
          recipients: published.recipients + Number(state?.done ?? 0),
          seconds: published.seconds + (performance.now() - started) / 1000,
        };
      }
      const fanOutRate = published.recipients / published.seconds;
      const createRate = createRates.reduce((sum, rate) => sum + rate, 0) / createRates.length;
      figures.push({
        name: `fan-out: PublishToTopic, ${subscribers.toLocaleString("en")} subscribers, recipients/s vs CreateNotification · ${store} · ${protocols.grpc}`,
        opsPerSecond: fanOutRate,
        baselineOpsPerSecond: createRate,
        ratio: fanOutRate / createRate,
        extra: { recipients: published.recipients, createOpsPerSecond: createRate },
      });
    }
    return figures;
  },
};
