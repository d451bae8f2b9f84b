import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Notification } from "../gen/notification/v1/notification_pb.js";

/** One notification as the inbox holds it: a rollup's member or a lone item. */
export interface InboxEntry {
  /** A KSUID: ids order notifications, newest is greatest. */
  readonly id: string;
  readonly category: string;
  message: string;
  /** When the service stored it, in ms since the Unix epoch. */
  readonly createdAtMs: number;
  properties: Readonly<Record<string, string>>;
  /** Newer than the seen cursor. */
  unseen: boolean;
  read: boolean;
  archived: boolean;
}

/**
 * A top-level item of a list: one notification, or a rollup whose head is
 * `members[0]`, members newest first.
 */
export interface InboxGroup {
  /** Stable while the group is shown (the head's id when it was listed). */
  readonly key: string;
  members: InboxEntry[];
}

/**
 * The group a listed notification stands for. A rollup head answers `read`
 * only when every member is read; when it answers unread, its own state is
 * taken as unread (it is when its children are all read, and otherwise is
 * not sent), which the next listing corrects should it be wrong.
 */
export function groupOf(head: Notification): InboxGroup {
  return { key: head.id, members: [entryOf(head), ...head.notifications.map((c) => entryOf(c))] };
}

/** A notification as an entry, children left out. */
export function entryOf(notification: Notification): InboxEntry {
  return {
    id: notification.id,
    category: notification.category,
    message: notification.message,
    createdAtMs: notification.createdAt ? timestampMs(notification.createdAt) : 0,
    properties: { ...notification.properties },
    unseen: notification.unseen,
    read: notification.read,
    archived: notification.archived,
  };
}

/** Every id of a group, head first. */
export function idsOf(group: InboxGroup): string[] {
  return group.members.map((m) => m.id);
}

/** True when every member is read. */
export function isRead(group: InboxGroup): boolean {
  return group.members.every((m) => m.read);
}

/** True when some member is newer than the seen cursor. */
export function isUnseen(group: InboxGroup): boolean {
  return group.members.some((m) => m.unseen);
}
