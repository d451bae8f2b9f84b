import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import type { InboxHead } from "../domain/inbox-head.js";
import type { KeyEdit, KeyField } from "../domain/key-changes.js";
import type { StoredNotification } from "../domain/notification.js";
import type { SegmentRef } from "../domain/segment-ref.js";
import {
  type KeyEditRecord,
  KeyEditRecordSchema,
  type KeyFieldRecord,
  KeyFieldRecordSchema,
} from "../gen/notification/storage/v1/records_pb.js";
import { StorageCorruptionError } from "./errors.js";
import { concatNotifications, readNotification } from "./notification-record.js";

// Field numbers of notification.storage.v1.InboxHeadRecord and
// SegmentRefRecord (proto/notification/storage/v1/records.proto); the bytes
// are those protobuf-es writes (test/storage/head-codec.test.ts).
const head = {
  notifications: 1,
  deletedIds: 2,
  clearedUpTo: 3,
  segments: 4,
  agedOutUpTo: 5,
  keyEdits: 10,
  keyDeletes: 11,
};
const mapEntry = { key: 1, value: 2 } as const;
const ref = {
  key: 1,
  level: 2,
  count: 3,
  newestId: 4,
  oldestId: 5,
  maxCreatedAt: 6,
  minCreatedAt: 7,
  agedOut: 8,
  replaces: 9,
} as const;

/** Encodes a user's head as the `notifications` bucket stores it (protobuf). */
export function encodeHead(value: InboxHead): Uint8Array {
  // The notifications (field 1) come first: they are concatenated from their kept encodings.
  const writer = new BinaryWriter();
  for (const id of value.deletedIds) {
    writer.tag(head.deletedIds, WireType.LengthDelimited).string(id);
  }
  if (value.clearedUpTo !== "") {
    writer.tag(head.clearedUpTo, WireType.LengthDelimited).string(value.clearedUpTo);
  }
  for (const segment of value.segments) writeRef(writer, segment);
  if (value.agedOutUpTo !== "") {
    writer.tag(head.agedOutUpTo, WireType.LengthDelimited).string(value.agedOutUpTo);
  }
  for (const [key, edit] of value.keyEdits ?? []) {
    writer.tag(head.keyEdits, WireType.LengthDelimited).fork();
    writer.tag(mapEntry.key, WireType.LengthDelimited).string(key);
    writer.tag(mapEntry.value, WireType.LengthDelimited).bytes(encodeKeyEdit(edit));
    writer.join();
  }
  for (const [key, upTo] of value.keyDeletes ?? []) {
    writer.tag(head.keyDeletes, WireType.LengthDelimited).fork();
    writer.tag(mapEntry.key, WireType.LengthDelimited).string(key);
    writer.tag(mapEntry.value, WireType.LengthDelimited).string(upTo);
    writer.join();
  }
  return concatNotifications(head.notifications, value.notifications, writer.finish());
}

/**
 * Decodes one stored sibling of a head. It is not normalized: merging does
 * that, so a value written by the predecessor (which kept deleted
 * notifications beside their ids) reads correctly. A value of the
 * single-object layout (fields 1 to 3) reads as a head without segments.
 */
export function decodeHead(bytes: Uint8Array): InboxHead {
  const notifications: StoredNotification[] = [];
  const deletedIds = new Set<string>();
  const segments: SegmentRef[] = [];
  let clearedUpTo = "";
  let agedOutUpTo = "";
  const keyEdits = new Map<string, KeyEdit>();
  const keyDeletes = new Map<string, string>();
  try {
    const reader = new BinaryReader(bytes);
    while (reader.pos < reader.len) {
      const [field, wireType] = reader.tag();
      if (field === head.notifications) {
        const n = readNotification(reader, reader.uint32());
        // Entries without an id cannot be ordered or deleted; the predecessor dropped them too.
        if (n.id !== "") notifications.push(n);
      } else if (field === head.deletedIds) deletedIds.add(reader.string(true));
      else if (field === head.clearedUpTo) clearedUpTo = reader.string(true);
      else if (field === head.segments) {
        const segment = readRef(reader, reader.uint32());
        if (segment.key !== "" && segment.newestId !== "") segments.push(segment);
      } else if (field === head.agedOutUpTo) agedOutUpTo = reader.string(true);
      else if (field === head.keyEdits) {
        const [key, bytes] = readEntry(reader, reader.uint32());
        keyEdits.set(key, decodeKeyEdit(bytes));
      } else if (field === head.keyDeletes) {
        const [key, bytes] = readEntry(reader, reader.uint32());
        keyDeletes.set(key, new TextDecoder().decode(bytes));
      } else reader.skip(wireType, field);
    }
  } catch (cause) {
    throw new StorageCorruptionError("a stored inbox head is not a valid protobuf value", {
      cause,
    });
  }
  return {
    notifications,
    deletedIds,
    clearedUpTo,
    agedOutUpTo,
    segments,
    ...(keyEdits.size > 0 && { keyEdits }),
    ...(keyDeletes.size > 0 && { keyDeletes }),
  };
}

function encodeKeyEdit(edit: KeyEdit): Uint8Array {
  const field = (f: KeyField) => ({
    version: f.version,
    ...(f.value !== undefined && { value: f.value }),
  });
  const properties: Record<string, KeyFieldRecord> = {};
  for (const [name, f] of edit.properties) {
    // "__proto__" is a valid property name: it must become an own property.
    Object.defineProperty(properties, name, {
      value: create(KeyFieldRecordSchema, field(f)),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return toBinary(
    KeyEditRecordSchema,
    create(KeyEditRecordSchema, {
      ...(edit.message && { message: field(edit.message) }),
      properties,
    }),
  );
}

function decodeKeyEdit(bytes: Uint8Array): KeyEdit {
  const record: KeyEditRecord = fromBinary(KeyEditRecordSchema, bytes);
  const field = (f: KeyFieldRecord): KeyField => ({ version: f.version, value: f.value });
  const properties = new Map<string, KeyField>();
  for (const [name, f] of Object.entries(record.properties)) properties.set(name, field(f));
  return { message: record.message && field(record.message), properties };
}

/** A map entry's key and raw value bytes. */
function readEntry(reader: BinaryReader, length: number): [string, Uint8Array] {
  const end = reader.pos + length;
  let key = "";
  let value: Uint8Array = new Uint8Array();
  while (reader.pos < end) {
    const [field, wireType] = reader.tag();
    if (field === mapEntry.key) key = reader.string(true);
    else if (field === mapEntry.value) value = reader.bytes();
    else reader.skip(wireType, field);
  }
  return [key, value];
}

function writeRef(writer: BinaryWriter, value: SegmentRef): void {
  writer.tag(head.segments, WireType.LengthDelimited).fork();
  if (value.key !== "") writer.tag(ref.key, WireType.LengthDelimited).string(value.key);
  if (value.level !== 0) writer.tag(ref.level, WireType.Varint).uint32(value.level);
  if (value.count !== 0) writer.tag(ref.count, WireType.Varint).uint32(value.count);
  if (value.newestId !== "")
    writer.tag(ref.newestId, WireType.LengthDelimited).string(value.newestId);
  if (value.oldestId !== "")
    writer.tag(ref.oldestId, WireType.LengthDelimited).string(value.oldestId);
  if (value.maxCreatedAt !== 0)
    writer.tag(ref.maxCreatedAt, WireType.Varint).int64(value.maxCreatedAt);
  if (value.minCreatedAt !== 0)
    writer.tag(ref.minCreatedAt, WireType.Varint).int64(value.minCreatedAt);
  if (value.agedOut !== 0) writer.tag(ref.agedOut, WireType.Varint).uint32(value.agedOut);
  for (const key of value.replaces) writer.tag(ref.replaces, WireType.LengthDelimited).string(key);
  writer.join();
}

function readRef(reader: BinaryReader, length: number): SegmentRef {
  const end = reader.pos + length;
  const value = {
    key: "",
    level: 0,
    count: 0,
    newestId: "",
    oldestId: "",
    maxCreatedAt: 0,
    minCreatedAt: 0,
    agedOut: 0,
    replaces: [] as string[],
  };
  while (reader.pos < end) {
    const [field, wireType] = reader.tag();
    if (field === ref.key) value.key = reader.string(true);
    else if (field === ref.level) value.level = reader.uint32();
    else if (field === ref.count) value.count = reader.uint32();
    else if (field === ref.newestId) value.newestId = reader.string(true);
    else if (field === ref.oldestId) value.oldestId = reader.string(true);
    else if (field === ref.maxCreatedAt) value.maxCreatedAt = Number(reader.int64());
    else if (field === ref.minCreatedAt) value.minCreatedAt = Number(reader.int64());
    else if (field === ref.agedOut) value.agedOut = reader.uint32();
    else if (field === ref.replaces) value.replaces.push(reader.string(true));
    else reader.skip(wireType, field);
  }
  return value;
}
