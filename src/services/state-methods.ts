import type { ServiceImpl } from "@connectrpc/connect";
import { isKsuid } from "../domain/ids.js";
import type { StateFlag } from "../domain/inbox-state.js";
import { inboxView, type NotificationFilter } from "../domain/notification-filter.js";
import { markAllBound } from "../domain/state-changes.js";
import { type BulkAction, checkIds, checkIdsOrAll, checkUsername } from "../domain/validation.js";
import { ValidationError } from "../domain/validation-error.js";
import type {
  NotificationFilter as FilterMessage,
  NotificationService,
} from "../gen/notification/v1/notification_pb.js";
import type { ServiceDependencies } from "./dependencies.js";
import { filterFromProto } from "./from-proto.js";
import { inboxCounts, readInbox } from "./read-inbox.js";

type StateMethods = Pick<
  ServiceImpl<typeof NotificationService>,
  | "countNotifications"
  | "markNotificationsRead"
  | "markNotificationsUnread"
  | "archiveNotifications"
  | "unarchiveNotifications"
  | "markNotificationsSeen"
>;

/** What a mark changes: named ids, or every notification a filter selects. */
type Target =
  | { readonly kind: "ids"; readonly ids: readonly string[] }
  | { readonly kind: "all"; readonly filter: NotificationFilter };

/**
 * The inbox-state methods of NotificationService (contract §7): read,
 * unread, archive, unarchive (by ids, or all a filter selects, as one
 * watermark write), seen, and counts. Each change is durable before the
 * answer and then published to the user's live streams, which add the
 * counts themselves.
 */
export function createStateMethods(deps: ServiceDependencies): StateMethods {
  return {
    async countNotifications(req) {
      checkUsername(req.username);
      const filter = filterFromProto(req.filter);
      return inboxCounts(await readInbox(deps, req.username), filter);
    },

    async markNotificationsRead(req) {
      checkUsername(req.username);
      await mark(deps, req.username, "read", true, bulkTarget(req, "mark read"));
      return {};
    },

    async markNotificationsUnread(req) {
      checkUsername(req.username);
      checkIds(req.ids);
      await mark(deps, req.username, "read", false, { kind: "ids", ids: req.ids });
      return {};
    },

    async archiveNotifications(req) {
      checkUsername(req.username);
      await mark(deps, req.username, "archived", true, bulkTarget(req, "archive"));
      return {};
    },

    async unarchiveNotifications(req) {
      checkUsername(req.username);
      checkIds(req.ids);
      await mark(deps, req.username, "archived", false, { kind: "ids", ids: req.ids });
      return {};
    },

    async markNotificationsSeen(req) {
      checkUsername(req.username);
      if (req.upTo !== "" && !isKsuid(req.upTo)) {
        throw new ValidationError(
          "up_to",
          "up_to must be a notification id (a 27-character KSUID), or empty for the newest",
        );
      }
      const { inboxes, cursors } = deps.repositories;
      const [inbox, cursor] = await Promise.all([
        inboxes.read(req.username),
        cursors.read(req.username),
      ]);
      // Seen means shown: the cursor goes no further than the newest notification.
      const newest = (await inbox.newest())?.id ?? "";
      const upTo = req.upTo === "" || req.upTo > newest ? newest : req.upTo;
      const current = cursor?.value ?? "";
      if (upTo === "" || upTo <= current) return { cursor: current };
      await cursors.change(req.username, { kind: "seen", upTo });
      await deps.events.publish(req.username, { kind: "seen", cursor: upTo });
      return { cursor: upTo };
    },
  };
}

/** The target of a read or archive request: its ids, or with `all` its filter. */
function bulkTarget(
  req: { ids: string[]; all: boolean; filter?: FilterMessage | undefined },
  action: BulkAction,
): Target {
  checkIdsOrAll(req.ids, req.all, action);
  if (!req.all) {
    if (req.filter) {
      throw new ValidationError(
        "filter",
        "filter selects what all: true changes: send it with all: true and no ids, or the ids alone",
      );
    }
    return { kind: "ids", ids: req.ids };
  }
  return { kind: "all", filter: req.filter ? filterFromProto(req.filter) : inboxView };
}

/**
 * Writes one mark to the user's state and publishes it. Ids the list does
 * not hold (unknown, deleted, not ids at all) are ignored, and a request
 * left with nothing to change writes nothing.
 */
async function mark(
  deps: ServiceDependencies,
  username: string,
  flag: StateFlag,
  value: boolean,
  target: Target,
): Promise<void> {
  const { inboxes, states } = deps.repositories;
  // What a mark may name, and what a mark for all covers: every notification, segments included.
  const list = await (await inboxes.read(username)).all();
  const version = deps.newId();
  if (target.kind === "ids") {
    const listed = new Set(list.notifications.map((n) => n.id));
    const ids = [...new Set(target.ids)].filter((id) => listed.has(id));
    if (ids.length === 0) return;
    await states.change(username, { kind: "mark", flag, ids, value, version, list });
    await deps.events.publish(username, { kind: "marked", flag, ids, value });
    return;
  }
  const upTo = markAllBound(list, version);
  if (upTo === "") return;
  const { filter } = target;
  await states.change(username, { kind: "mark-all", flag, filter, upTo, version, list });
  await deps.events.publish(username, { kind: "marked-all", flag, upTo, filter });
}
