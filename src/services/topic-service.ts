import type { ServiceImpl } from "@connectrpc/connect";
import { Code, ConnectError } from "@connectrpc/connect";
import { derivedId } from "../domain/ids.js";
import { type Job, newJob } from "../domain/job.js";
import type { MemberPosition } from "../domain/member-position.js";
import { checkContent, fingerprintOf } from "../domain/notification-content.js";
import {
  checkIdempotencyKey,
  checkTopic,
  checkUsernameCount,
} from "../domain/producer-validation.js";
import { decodeSubscriberToken, encodeSubscriberToken } from "../domain/subscriber-page-token.js";
import { checkUsername } from "../domain/validation.js";
import { ValidationError } from "../domain/validation-error.js";
import type { TopicService } from "../gen/notification/v1/topic_pb.js";
import type { ServiceDependencies } from "./dependencies.js";
import type { JobRunner } from "./job-runner.js";
import { jobToProto } from "./job-to-proto.js";

const pageSizes = { default: 100, max: 1000 } as const;
// Members an ephemeral publish reads and hands to the event bus at a time.
const broadcastBatch = 1000;

/**
 * TopicService (contract §9.3): subscribers kept in the topic's member set
 * (in shards), and publishing as a durable job or a live-only broadcast.
 */
export function createTopicService(
  deps: ServiceDependencies,
  runner: JobRunner,
): ServiceImpl<typeof TopicService> {
  const { topics } = deps.repositories;
  return {
    async addTopicSubscribers(req) {
      checkTopic(req.topic);
      checkSubscribers(req.usernames);
      const limit = deps.producers.topicMaxSubscribers;
      const outcome = await topics.add(req.topic, req.usernames, limit);
      if (outcome.kind === "full") {
        throw new ConnectError(
          `topic ${JSON.stringify(req.topic)} has ${outcome.count} subscribers: adding ${outcome.adding} more would pass the limit of ${limit}`,
          Code.FailedPrecondition,
        );
      }
      return { subscriberCount: BigInt(outcome.count) };
    },

    async removeTopicSubscribers(req) {
      checkTopic(req.topic);
      checkSubscribers(req.usernames);
      return { subscriberCount: BigInt(await topics.remove(req.topic, req.usernames)) };
    },

    async listTopicSubscribers(req, ctx) {
      checkTopic(req.topic);
      if (req.pageSize < 0) {
        throw new ValidationError(
          "page_size",
          `page_size must not be negative (got ${req.pageSize})`,
        );
      }
      const size = Math.min(req.pageSize || pageSizes.default, pageSizes.max);
      const after = req.pageToken === "" ? undefined : decodeSubscriberToken(req.pageToken);
      const call = { signal: ctx.signal };
      const [page, count] = await Promise.all([
        topics.scan(req.topic, after, size, call),
        topics.count(req.topic, call),
      ]);
      const last = page.members.at(-1);
      return {
        usernames: page.members.map((m) => m.member),
        nextPageToken: page.more && last ? encodeSubscriberToken(last) : "",
        subscriberCount: BigInt(count),
      };
    },

    async publishToTopic(req) {
      checkTopic(req.topic);
      const content = {
        category: req.category,
        message: req.message,
        properties: req.properties,
        key: req.key,
      };
      checkContent(content);
      if (req.ephemeral) {
        if (req.key !== "" || req.idempotencyKey !== "") {
          throw new ValidationError(
            req.key === "" ? "idempotency_key" : "key",
            "key and idempotency_key do not apply to an ephemeral publish: it stores nothing",
          );
        }
        return { subscriberCount: BigInt(await broadcast(deps, req.topic, content)) };
      }
      if (req.idempotencyKey !== "") checkIdempotencyKey(req.idempotencyKey);
      const total = await topics.count(req.topic);
      if (total === 0) {
        throw new ConnectError(
          `topic ${JSON.stringify(req.topic)} has no subscribers: add some (AddTopicSubscribers) before publishing`,
          Code.FailedPrecondition,
        );
      }
      const now = deps.now();
      const job = newJob({
        id:
          req.idempotencyKey === ""
            ? deps.newId()
            : derivedId("publish", req.topic, req.idempotencyKey),
        kind: "publish_to_topic",
        target: req.topic,
        content: { ...content, removeProperties: [] },
        fingerprint: fingerprintOf(content, "topic", req.topic),
        total,
        now,
      });
      const stored = await submitIdempotent(deps, runner, job, req.idempotencyKey !== "");
      if (stored.fingerprint !== job.fingerprint) {
        throw new ValidationError(
          "idempotency_key",
          `idempotency_key was used within the idempotency window for a different publish (job ${stored.id}): a retry must send the same topic, category, message, properties and key`,
        );
      }
      return { job: jobToProto(stored) };
    },
  };
}

/**
 * Records the job, or answers the one a republish with the same idempotency
 * key recorded; after the window the key starts the job again (its next run).
 */
async function submitIdempotent(
  deps: ServiceDependencies,
  runner: JobRunner,
  job: Job,
  idempotent: boolean,
): Promise<Job> {
  if (!idempotent) return runner.submit(job);
  const windowStart = job.createdAt - deps.producers.idempotencyWindowMs;
  const existing = await deps.repositories.jobs.read(job.id);
  if (!existing || existing.createdAt >= windowStart) return runner.submit(job);
  return runner.submit({ ...job, run: existing.run + 1 }, { restartBefore: windowStart });
}

/** An ephemeral publish: a `broadcast` event to every subscriber's live streams. */
async function broadcast(
  deps: ServiceDependencies,
  topic: string,
  content: { category: string; message: string; properties: Readonly<Record<string, string>> },
): Promise<number> {
  const event = { kind: "broadcast" as const, topic, ...content, sentAt: deps.now() };
  let reached = 0;
  let after: MemberPosition | undefined;
  for (;;) {
    const page = await deps.repositories.topics.scan(topic, after, broadcastBatch);
    reached += await deps.events.broadcast(
      page.members.map((m) => m.member),
      event,
    );
    after = page.members.at(-1);
    if (!page.more) return reached;
  }
}

/** Throws unless 1 to 1000 usernames, each valid (naming `usernames[i]`). */
function checkSubscribers(usernames: readonly string[]): void {
  checkUsernameCount(usernames);
  for (const [i, username] of usernames.entries()) checkUsername(username, `usernames[${i}]`);
}
