import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { NotificationList } from "../domain/notification-list.js";
import {
  NotificationListRecordSchema,
  type NotificationRecord,
  NotificationRecordSchema,
} from "../gen/notification/storage/v1/records_pb.js";
import { StorageCorruptionError } from "./errors.js";

/** Encodes a user's list as the `notifications` bucket stores it (protobuf). */
export function encodeList(list: NotificationList): Uint8Array {
  return toBinary(
    NotificationListRecordSchema,
    create(NotificationListRecordSchema, {
      notifications: list.notifications.map((n) =>
        create(NotificationRecordSchema, {
          id: n.id,
          category: n.category,
          message: n.message,
          createdAt: BigInt(n.createdAt),
          properties: { ...n.properties },
        }),
      ),
      deletedIds: [...list.deletedIds],
      clearedUpTo: list.clearedUpTo,
    }),
  );
}

/**
 * Decodes one stored sibling. It is not normalized: merging does that, so a
 * value written by the predecessor (which kept deleted notifications beside
 * their ids) reads correctly.
 */
export function decodeList(bytes: Uint8Array): NotificationList {
  let record: ReturnType<typeof fromBinary<typeof NotificationListRecordSchema>>;
  try {
    record = fromBinary(NotificationListRecordSchema, bytes);
  } catch (cause) {
    throw new StorageCorruptionError("a stored notification list is not a valid protobuf value", {
      cause,
    });
  }
  return {
    // Entries without an id cannot be ordered or deleted; the predecessor dropped them too.
    notifications: record.notifications.filter((n) => n.id !== "").map(toStored),
    deletedIds: new Set(record.deletedIds),
    clearedUpTo: record.clearedUpTo,
  };
}

function toStored(record: NotificationRecord) {
  return {
    id: record.id,
    category: record.category,
    message: record.message,
    createdAt: Number(record.createdAt),
    properties: record.properties,
  };
}
