import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { InboxItem, StoredNotification } from "../domain/notification.js";
import type { NotificationFilter, ReadSelection } from "../domain/notification-filter.js";
import {
  type Notification,
  type NotificationFilterSchema,
  NotificationSchema,
  ReadFilter,
} from "../gen/notification/v1/notification_pb.js";

/** A stored notification as the API returns it on create (no unseen flag, not read). */
export function storedToProto(n: StoredNotification): Notification {
  return create(NotificationSchema, {
    id: n.id,
    category: n.category,
    message: n.message,
    createdAt: timestampFromMs(n.createdAt),
    properties: { ...n.properties },
    key: n.key ?? "",
  });
}

/** An inbox item with its flags, states and rollup children. */
export function inboxItemToProto(item: InboxItem): Notification {
  const proto = storedToProto(item);
  proto.unseen = item.unseen;
  proto.read = item.read;
  proto.archived = item.archived;
  proto.notifications = item.children.map(inboxItemToProto);
  return proto;
}

const readFilters: Readonly<Record<ReadSelection, ReadFilter>> = {
  any: ReadFilter.UNSPECIFIED,
  unread: ReadFilter.UNREAD,
  read: ReadFilter.READ,
};

/** A filter as the API carries it (in `read_all` and `archived_all` events). */
export function filterToProto(
  filter: NotificationFilter,
): MessageInitShape<typeof NotificationFilterSchema> {
  return {
    categories: [...filter.categories],
    read: readFilters[filter.read],
    archived: filter.archived,
    properties: { ...filter.properties },
  };
}
