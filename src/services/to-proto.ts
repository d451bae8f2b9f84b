import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { InboxItem, StoredNotification } from "../domain/notification.js";
import type { Rule } from "../domain/rule.js";
import { ruleToInput } from "../domain/rule.js";
import { type Notification, NotificationSchema } from "../gen/notification/v1/notification_pb.js";
import type { RuleSchema } from "../gen/notification/v1/rule_pb.js";

/** A stored notification as the API returns it on create (no unseen flag). */
export function storedToProto(n: StoredNotification): Notification {
  return create(NotificationSchema, {
    id: n.id,
    category: n.category,
    message: n.message,
    createdAt: timestampFromMs(n.createdAt),
    properties: { ...n.properties },
  });
}

/** An inbox item with its flag and rollup children. */
export function inboxItemToProto(item: InboxItem): Notification {
  const proto = storedToProto(item);
  proto.unseen = item.unseen;
  proto.notifications = item.children.map(inboxItemToProto);
  return proto;
}

/** A rule as the API returns it: `max_duration` in canonical form. */
export function ruleToProto(rule: Rule): MessageInitShape<typeof RuleSchema> {
  const input = ruleToInput(rule);
  return {
    ...(input.maxSize !== undefined && { maxSize: input.maxSize }),
    ...(input.maxDuration !== undefined && { maxDuration: input.maxDuration }),
    matchOn: input.matchOn ?? "",
  };
}
