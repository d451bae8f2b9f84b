import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { isKsuid } from "../domain/ids.js";
import { filterFingerprint } from "../domain/notification-filter.js";
import { decodePageToken, encodePageToken } from "../domain/page-token.js";
import { pageSizes } from "../domain/paging.js";
import { checkUsernameCount } from "../domain/producer-validation.js";
import { checkIdsOrAll, checkUsername } from "../domain/validation.js";
import { ValidationError } from "../domain/validation-error.js";
import type { NotificationService } from "../gen/notification/v1/notification_pb.js";
import { requestIdKey } from "../server/request-id.js";
import type { InboxEvent } from "../streams/inbox-event.js";
import { clearedEvent } from "../streams/replay.js";
import { createByKeyMethods } from "./by-key-service.js";
import { deliver } from "./deliver.js";
import type { ServiceDependencies } from "./dependencies.js";
import { filterFromProto } from "./from-proto.js";
import type { JobRunner } from "./job-runner.js";
import { listInbox } from "./list-inbox.js";
import { createResponse, producerDelivery, recipientError } from "./producer-request.js";
import { createStateMethods } from "./state-methods.js";
import { inboxItemToProto } from "./to-proto.js";

/**
 * NotificationService: create (for one user or many), list and delete a
 * user's notifications, their read, archived and seen states and counts
 * (`state-methods.ts`), and changes of every copy of a notification by its
 * key (`by-key-service.ts`).
 */
export function createNotificationService(
  deps: ServiceDependencies,
  runner: JobRunner,
): Partial<ServiceImpl<typeof NotificationService>> {
  const { inboxes, cursors } = deps.repositories;
  return {
    ...createStateMethods(deps),
    ...createByKeyMethods(deps, runner),

    async createNotification(req) {
      checkUsername(req.username);
      const delivery = producerDelivery(req, () => "username");
      const [result] = await deliver(deps, { ...delivery, usernames: [req.username] });
      if (result?.kind === "failed") throw result.error;
      return createResponse(result);
    },

    async createNotifications(req, ctx) {
      checkUsernameCount(req.usernames);
      const delivery = producerDelivery(req, (i) => `usernames[${i}]`);
      const results = await deliver(deps, { ...delivery, usernames: req.usernames });
      const requestId = ctx.values.get(requestIdKey);
      return {
        results: results.map((result, i) => ({
          username: req.usernames[i] ?? "",
          ...(result.kind === "failed"
            ? { error: recipientError(result.error, requestId) }
            : createResponse(result)),
        })),
      };
    },

    async listNotifications(req) {
      checkUsername(req.username);
      if (req.pageSize < 0) {
        throw new ValidationError(
          "page_size",
          `page_size must not be negative (got ${req.pageSize})`,
        );
      }
      const size = Math.min(req.pageSize || pageSizes.default, pageSizes.max);
      const filter = filterFromProto(req.filter);
      const fingerprint = filterFingerprint(filter);
      const start = decodePageToken(req.pageToken, fingerprint);
      const page = await listInbox(deps, req.username, filter, start, size);
      const last = page.items.at(-1);
      return {
        notifications: page.items.map(inboxItemToProto),
        nextPageToken:
          page.hasMore && last
            ? encodePageToken({ fromId: last.id, inclusive: false }, fingerprint)
            : "",
        ...(page.newest && { lastModified: timestampFromMs(page.newest.createdAt) }),
      };
    },

    async deleteNotifications(req) {
      checkUsername(req.username);
      checkIdsOrAll(req.ids, req.all, "delete");
      if (!req.all) {
        // An id that is not a KSUID names no notification: nothing to remember.
        const ids = req.ids.filter(isKsuid);
        if (ids.length > 0) {
          await inboxes.change(req.username, { kind: "delete", ids });
          await deps.events.publish(req.username, { kind: "deleted", ids });
        }
        return {};
      }
      // Delete-all: a mark instead of a key delete, so that a concurrent
      // writer's stale sibling cannot bring the notifications back; ids issued
      // after the mark (creates that race with it) survive.
      const upTo = deps.newId();
      await Promise.all([
        inboxes.change(req.username, { kind: "clear", upTo }),
        cursors.change(req.username, { kind: "remove" }),
      ]);
      await deps.events.publish(req.username, await readClearedEvent(deps, req.username, upTo));
      return {};
    },
  };
}

/**
 * A delete-all's event, read back from storage: the mark the list settled on
 * may be lower than the issued bound `upTo`, and ids above it may have been
 * removed too. Should that read fail, the delete still stands and the event
 * carries the bound.
 */
async function readClearedEvent(
  deps: ServiceDependencies,
  username: string,
  upTo: string,
): Promise<InboxEvent> {
  try {
    return clearedEvent((await deps.repositories.inboxes.read(username)).head);
  } catch (error) {
    // The delete-all was acknowledged; only its event is less exact.
    deps.onReadBackFailed(error);
  }
  return { kind: "cleared", upTo, ids: [] };
}
