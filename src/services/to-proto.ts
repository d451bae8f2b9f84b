import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { InboxItem, StoredNotification } from "../domain/notification.js";
import { type Notification, NotificationSchema } from "../gen/notification/v1/notification_pb.js";

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
