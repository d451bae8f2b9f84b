import { BinaryReader } from "@bufbuild/protobuf/wire";
import { newestFirst, type StoredNotification } from "../domain/notification.js";
import { StorageCorruptionError } from "./errors.js";
import { concatNotifications, readNotification } from "./notification-record.js";

// Field number of notification.storage.v1.SegmentRecord.notifications: the
// same as the head's, so a segment's bytes also decode as a head.
const notificationsField = 1;

/** Encodes a segment as the `segments` bucket stores it (protobuf). */
export function encodeSegment(notifications: readonly StoredNotification[]): Uint8Array {
  return concatNotifications(notificationsField, notifications, new Uint8Array(0));
}

/** Decodes a stored segment: its notifications, newest first. */
export function decodeSegment(bytes: Uint8Array): StoredNotification[] {
  const notifications: StoredNotification[] = [];
  try {
    const reader = new BinaryReader(bytes);
    while (reader.pos < reader.len) {
      const [field, wireType] = reader.tag();
      if (field === notificationsField) {
        const n = readNotification(reader, reader.uint32());
        if (n.id !== "") notifications.push(n);
      } else reader.skip(wireType, field);
    }
  } catch (cause) {
    throw new StorageCorruptionError("a stored segment is not a valid protobuf value", { cause });
  }
  // Written newest first; sorting again costs little on a sorted array and makes it certain.
  return notifications.sort(newestFirst);
}
