import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import type { StoredNotification } from "../domain/notification.js";
import type { NotificationList } from "../domain/notification-list.js";
import { StorageCorruptionError } from "./errors.js";

// Field numbers of notification.storage.v1.NotificationListRecord and
// NotificationRecord (proto/notification/storage/v1/records.proto). The codec
// walks the wire format itself: going through generated messages built and
// then copied 1,000 objects per list on every read and write. The bytes are
// those protobuf-es writes, and it reads anything protobuf-es reads.
const list = { notifications: 1, deletedIds: 2, clearedUpTo: 3 } as const;
const record = { id: 1, category: 2, message: 3, createdAt: 4, properties: 5 } as const;
const mapEntry = { key: 1, value: 2 } as const;

/** Encodes a user's list as the `notifications` bucket stores it (protobuf). */
export function encodeList(value: NotificationList): Uint8Array {
  const writer = new BinaryWriter();
  for (const n of value.notifications) {
    writer.tag(list.notifications, WireType.LengthDelimited).fork();
    // proto3: a field holding its zero value is not written.
    if (n.id !== "") writer.tag(record.id, WireType.LengthDelimited).string(n.id);
    if (n.category !== "") writer.tag(record.category, WireType.LengthDelimited).string(n.category);
    if (n.message !== "") writer.tag(record.message, WireType.LengthDelimited).string(n.message);
    if (n.createdAt !== 0) writer.tag(record.createdAt, WireType.Varint).int64(n.createdAt);
    for (const key of Object.keys(n.properties)) {
      writer.tag(record.properties, WireType.LengthDelimited).fork();
      writer.tag(mapEntry.key, WireType.LengthDelimited).string(key);
      writer.tag(mapEntry.value, WireType.LengthDelimited).string(n.properties[key] ?? "");
      writer.join();
    }
    writer.join();
  }
  for (const id of value.deletedIds)
    writer.tag(list.deletedIds, WireType.LengthDelimited).string(id);
  if (value.clearedUpTo !== "") {
    writer.tag(list.clearedUpTo, WireType.LengthDelimited).string(value.clearedUpTo);
  }
  return writer.finish();
}

/**
 * Decodes one stored sibling. It is not normalized: merging does that, so a
 * value written by the predecessor (which kept deleted notifications beside
 * their ids) reads correctly.
 */
export function decodeList(bytes: Uint8Array): NotificationList {
  const notifications: StoredNotification[] = [];
  const deletedIds = new Set<string>();
  let clearedUpTo = "";
  try {
    const reader = new BinaryReader(bytes);
    // Like protobuf-es, a known field is read as its type whatever the wire
    // type says, and an unknown one is skipped.
    while (reader.pos < reader.len) {
      const [field, wireType] = reader.tag();
      if (field === list.notifications) {
        const n = readNotification(reader, reader.uint32());
        // Entries without an id cannot be ordered or deleted; the predecessor dropped them too.
        if (n.id !== "") notifications.push(n);
      } else if (field === list.deletedIds) deletedIds.add(reader.string(true));
      else if (field === list.clearedUpTo) clearedUpTo = reader.string(true);
      else reader.skip(wireType, field);
    }
  } catch (cause) {
    throw new StorageCorruptionError("a stored notification list is not a valid protobuf value", {
      cause,
    });
  }
  return { notifications, deletedIds, clearedUpTo };
}

function readNotification(reader: BinaryReader, length: number): StoredNotification {
  const end = reader.pos + length;
  let id = "";
  let category = "";
  let message = "";
  let createdAt = 0;
  const properties: Record<string, string> = {};
  while (reader.pos < end) {
    const [field, wireType] = reader.tag();
    if (field === record.id) id = reader.string(true);
    else if (field === record.category) category = reader.string(true);
    else if (field === record.message) message = reader.string(true);
    else if (field === record.createdAt) createdAt = Number(reader.int64());
    else if (field === record.properties) readProperty(reader, reader.uint32(), properties);
    else reader.skip(wireType, field);
  }
  return { id, category, message, createdAt, properties };
}

function readProperty(reader: BinaryReader, length: number, into: Record<string, string>): void {
  const end = reader.pos + length;
  let key = "";
  let value = "";
  while (reader.pos < end) {
    const [field, wireType] = reader.tag();
    if (field === mapEntry.key) key = reader.string(true);
    else if (field === mapEntry.value) value = reader.string(true);
    else reader.skip(wireType, field);
  }
  // "__proto__" must become an own property, as protobuf-es keeps it.
  if (key === "__proto__") {
    Object.defineProperty(into, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  } else {
    into[key] = value;
  }
}
