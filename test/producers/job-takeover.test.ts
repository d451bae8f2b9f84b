import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it, vi } from "vitest";
import { mapLimit } from "../../src/concurrency/map-limit.js";
import { JobService } from "../../src/gen/notification/v1/job_pb.js";
import { type Job, JobState } from "../../src/gen/notification/v1/notification_pb.js";
import { TopicService } from "../../src/gen/notification/v1/topic_pb.js";
import { EmbeddedStore } from "../../src/storage/embedded-store.js";
import type { KeyValueStore } from "../../src/storage/key-value-store.js";
import { createRepositories } from "../../src/storage/repositories.js";
import { createRiakStore } from "../../src/storage/riak-store.js";
import {
  type ChildService,
  childServiceTestTimeoutMs,
  startChildService,
} from "../support/child-service.js";
import { testRepositoryOptions, testRiakOptions } from "../support/module-options.js";
import { type RiakTestCluster, startRiakTestCluster } from "../support/riak-node/index.js";
import type { StoreKind } from "../support/service-under-test.js";

const subscribers = 10_000;
const topic = "all-users";

// Short leases and polls, so that the takeover comes within seconds.
const configYaml = `
server:
  port: \${PORT:-0}
  admin_port: \${ADMIN_PORT:-0}
  host: 127.0.0.1
storage:
  data_dir: \${DATA_DIR:-./data}
riak:
  nodes: \${RIAK_NODES:-}
producers:
  job_lease_ms: 1500
  job_poll_ms: 200
  job_batch_size: 250
log:
  level: \${LOG_LEVEL:-info}
`;

const clients = (service: ChildService) => {
  const transport = createConnectTransport({ baseUrl: service.baseUrl, httpVersion: "1.1" });
  return {
    topics: createClient(TopicService, transport),
    jobs: createClient(JobService, transport),
  };
};

async function jobOf(jobs: Client<typeof JobService>, id: string): Promise<Job | undefined> {
  return (await jobs.getJob({ jobId: id })).job;
}

// Contract §9.3: a topic publish is a durable job that another instance
// finishes when the one running it dies, with no duplicate and no recipient
// skipped (each copy is an idempotent create keyed by the job).
describe.each<StoreKind>(["embedded", "riak"])(
  "a topic of 10,000 on the %s store, its job's instance killed half-way",
  (kind) => {
    const children: ChildService[] = [];
    let dir = "";
    let cluster: RiakTestCluster | undefined;
    afterEach(async () => {
      for (const { child } of children.splice(0))
        if (child.exitCode === null) child.kill("SIGKILL");
      await cluster?.close();
      cluster = undefined;
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it(
      "is finished by another instance: every subscriber has exactly one copy, GetJob ends done",
      async () => {
        dir = await mkdtemp(join(tmpdir(), "job-takeover-"));
        const configFile = join(dir, "config.yml");
        await writeFile(configFile, configYaml);
        cluster =
          kind === "riak"
            ? await startRiakTestCluster({
                nodes: 3,
                bucketTypes: { notifications: { allowMult: true, dvvEnabled: true } },
              })
            : undefined;
        const env = {
          CONFIG: configFile,
          DATA_DIR: join(dir, "data"),
          RIAK_NODES: cluster?.nodeList ?? "",
        };
        const start = async () => {
          const child = await startChildService(env);
          children.push(child);
          return child;
        };
        const first = await start();
        // On Riak the second instance runs all along, as a live peer would.
        let second = kind === "riak" ? await start() : undefined;
        const a = clients(first);
        const usernames = Array.from({ length: subscribers }, (_, i) => `sub${i}`);
        for (let i = 0; i < subscribers; i += 1000) {
          await a.topics.addTopicSubscribers({ topic, usernames: usernames.slice(i, i + 1000) });
        }
        const { job } = await a.topics.publishToTopic({
          topic,
          category: "announcement",
          message: "Our terms change on 1 March",
        });
        const id = job?.id ?? "";
        expect(job?.total).toBe(BigInt(subscribers));

        let atKill: Job | undefined;
        await vi.waitFor(
          async () => {
            atKill = await jobOf(a.jobs, id);
            expect(Number(atKill?.done)).toBeGreaterThanOrEqual(subscribers / 4);
          },
          { timeout: 60_000, interval: 20 },
        );
        first.child.kill("SIGKILL");
        await first.exited;
        // Killed half-way: the job was running, not done.
        expect(atKill?.state).toBe(JobState.RUNNING);
        expect(Number(atKill?.done)).toBeLessThan(subscribers);

        second ??= await start();
        const b = clients(second);
        let finished: Job | undefined;
        await vi.waitFor(
          async () => {
            finished = await jobOf(b.jobs, id);
            expect(finished?.state).toBe(JobState.DONE);
          },
          { timeout: 120_000, interval: 100 },
        );
        expect(finished).toMatchObject({
          total: BigInt(subscribers),
          done: BigInt(subscribers),
          failed: 0n,
        });
        second.child.kill("SIGTERM");
        await second.exited;

        // Every subscriber's list, read from storage: exactly the job's one copy.
        const store: KeyValueStore = cluster
          ? await createRiakStore(testRiakOptions(cluster.nodeList))
          : await EmbeddedStore.open(env.DATA_DIR);
        try {
          const repos = createRepositories(store, testRepositoryOptions());
          const copies = await mapLimit(usernames, 32, async (username) => {
            const list = await (await repos.inboxes.read(username)).all();
            return list.notifications.map((n) => n.idempotency?.key);
          });
          const wrong = copies.flatMap((keys, i) =>
            keys.length === 1 && keys[0] === `j:${id}:1` ? [] : [`${usernames[i]}: ${keys.length}`],
          );
          expect(wrong).toEqual([]);
        } finally {
          await store.close();
        }
      },
      childServiceTestTimeoutMs * 3,
    );
  },
);
