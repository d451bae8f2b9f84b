import { jobIdempotencyKey } from "../domain/idempotency.js";
import { decodeMemberCursor, encodeMemberCursor } from "../domain/member-position.js";
import { deliver } from "./deliver.js";
import type { ServiceDependencies } from "./dependencies.js";
import type { JobHandler } from "./job-runner.js";

/**
 * PublishToTopic's job: the topic's subscribers in the topic's order, a batch
 * at a time, each delivered a copy as an idempotent create keyed by the job
 * and its run, so that a batch repeated after a crash finds the copies it made
 * and makes no others. Subscribers added while the job runs get the copy when
 * they sort after the batches done, and those removed before their batch do not.
 */
export function publishJobHandler(deps: ServiceDependencies): JobHandler {
  const { topics, keyIndex } = deps.repositories;
  return {
    count: (job) => topics.count(job.target),
    async step(job, cursor, limit) {
      const page = await topics.scan(job.target, decodeMemberCursor(cursor), limit);
      const last = page.members.at(-1);
      if (!last) return { cursor, done: 0, failed: 0, more: false };
      const usernames = page.members.map((m) => m.member);
      const { content } = job;
      // The whole batch joins the key index in one write per shard, before any copy exists.
      if (content.key !== "") await keyIndex.add(content.key, usernames);
      const results = await deliver(deps, {
        usernames,
        content: { ...content, message: content.message ?? "" },
        idempotency: { key: jobIdempotencyKey(job.id, job.run), fingerprint: job.fingerprint },
        usernameField: (i) => `subscriber ${usernames[i]}`,
        indexKey: false,
      });
      const failed = results.filter((r) => r.kind === "failed").length;
      return {
        cursor: encodeMemberCursor(last),
        done: results.length - failed,
        failed,
        more: page.more,
      };
    },
  };
}
