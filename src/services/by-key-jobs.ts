import { mapLimit } from "../concurrency/map-limit.js";
import type { Job } from "../domain/job.js";
import { decodeMemberCursor, encodeMemberCursor } from "../domain/member-position.js";
import type { StoredNotification } from "../domain/notification.js";
import type { NotificationList } from "../domain/notification-list.js";
import type { ServiceDependencies } from "./dependencies.js";
import type { JobHandler } from "./job-runner.js";

/** What a change by key does to one user's copies; safe to repeat. */
type UserChange = (deps: ServiceDependencies, username: string, job: Job) => Promise<void>;

/**
 * A change by key as a job: the users of the key index, a batch at a time,
 * each changed by `change`, `producers.concurrency` at once. The change is
 * stamped with the job's id, so a batch repeated after a crash changes
 * nothing twice, and copies created after the job started are not touched.
 */
function byKeyHandler(deps: ServiceDependencies, change: UserChange): JobHandler {
  const { keyIndex } = deps.repositories;
  return {
    count: (job) => keyIndex.count(job.target),
    async step(job, cursor, limit) {
      const page = await keyIndex.scan(job.target, decodeMemberCursor(cursor), limit);
      const last = page.members.at(-1);
      if (!last) return { cursor, done: 0, failed: 0, more: false };
      const outcomes = await mapLimit(page.members, deps.producers.concurrency, (m) =>
        change(deps, m.member, job).then(
          () => true,
          () => false,
        ),
      );
      const failed = outcomes.filter((ok) => !ok).length;
      return {
        cursor: encodeMemberCursor(last),
        done: outcomes.length - failed,
        failed,
        more: page.more,
      };
    },
  };
}

/** UpdateNotificationsByKey's job: the new message and properties, in place, then `updated` events. */
export function updateByKeyHandler(deps: ServiceDependencies): JobHandler {
  return byKeyHandler(deps, async (d, username, job) => {
    const { content } = job;
    await d.repositories.inboxes.change(username, {
      kind: "updateByKey",
      key: job.target,
      patch: {
        message: content.message,
        set: content.properties,
        remove: content.removeProperties,
      },
      version: job.id,
    });
    // Every copy as it shows now, sealed ones included.
    for (const notification of keyed((await wholeInbox(d, username)).notifications, job)) {
      await d.events.publish(username, { kind: "updated", notification });
    }
  });
}

/** DeleteNotificationsByKey's job: every copy deleted (a retraction), then a `deleted` event. */
export function deleteByKeyHandler(deps: ServiceDependencies): JobHandler {
  return byKeyHandler(deps, async (d, username, job) => {
    // Sealed copies get tombstones too, so that a resuming stream is told of them.
    const ids = keyed((await wholeInbox(d, username)).notifications, job).map((n) => n.id);
    await d.repositories.inboxes.change(username, {
      kind: "deleteByKey",
      key: job.target,
      upTo: job.id,
      ids,
    });
    if (ids.length > 0) await d.events.publish(username, { kind: "deleted", ids });
  });
}

/** MarkNotificationsReadByKey's job: every copy read, then a `read` event. */
export function readByKeyHandler(deps: ServiceDependencies): JobHandler {
  return byKeyHandler(deps, async (d, username, job) => {
    const list = await wholeInbox(d, username);
    const ids = keyed(list.notifications, job).map((n) => n.id);
    if (ids.length === 0) return;
    await d.repositories.states.change(username, {
      kind: "mark",
      flag: "read",
      ids,
      value: true,
      version: d.newId(),
      list,
    });
    await d.events.publish(username, { kind: "marked", flag: "read", ids, value: true });
  });
}

/** The user's whole inbox: the head and every segment. */
async function wholeInbox(deps: ServiceDependencies, username: string): Promise<NotificationList> {
  return (await deps.repositories.inboxes.read(username)).all();
}

/** The copies a job covers: with its key, created before it. */
function keyed(notifications: readonly StoredNotification[], job: Job): StoredNotification[] {
  return notifications.filter((n) => n.key === job.target && n.id < job.id);
}
