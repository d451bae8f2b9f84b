import { type BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import type { StoredNotification } from "../domain/notification.js";

// Field numbers of notification.storage.v1.NotificationRecord
// (proto/notification/storage/v1/records.proto). The codecs walk the wire
// format themselves: going through generated messages built and then copied
// every notification of a value on each read and write. The bytes are those
// protobuf-es writes, and they read anything protobuf-es reads.
const record = {
  id: 1,
  category: 2,
  message: 3,
  createdAt: 4,
  properties: 5,
  key: 6,
  idempotencyKey: 7,
  fingerprint: 8,
} as const;
const mapEntry = { key: 1, value: 2 } as const;

// A notification never changes once stored, and a head keeps the same objects
// from one write to the next: each one's encoding is kept beside it, so a
// create encodes the new notification only.
const encodings = new WeakMap<StoredNotification, Uint8Array>();

/** The encoding of one notification as a `NotificationRecord` (its body, without tag or length). */
function notificationBytes(n: StoredNotification): Uint8Array {
  let body = encodings.get(n);
  if (body === undefined) {
    body = encodeNotification(n);
    encodings.set(n, body);
  }
  return body;
}

/**
 * Concatenates notifications as repeated field `field` (length-delimited,
 * field numbers below 16) and `rest`, into one buffer sized once: what a
 * BinaryWriter would write, without its growing copies.
 */
export function concatNotifications(
  field: number,
  notifications: readonly StoredNotification[],
  rest: Uint8Array,
): Uint8Array {
  const bodies = notifications.map(notificationBytes);
  let size = rest.byteLength;
  for (const body of bodies) size += 1 + varintLength(body.byteLength) + body.byteLength;
  const out = new Uint8Array(size);
  const tag = (field << 3) | WireType.LengthDelimited;
  let pos = 0;
  for (const body of bodies) {
    out[pos++] = tag;
    let length = body.byteLength;
    while (length > 0x7f) {
      out[pos++] = (length & 0x7f) | 0x80;
      length >>>= 7;
    }
    out[pos++] = length;
    out.set(body, pos);
    pos += body.byteLength;
  }
  out.set(rest, pos);
  return out;
}

function varintLength(value: number): number {
  let length = 1;
  for (let v = value; v > 0x7f; v >>>= 7) length++;
  return length;
}

function encodeNotification(n: StoredNotification): Uint8Array {
  const writer = new BinaryWriter();
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
  if (n.key) writer.tag(record.key, WireType.LengthDelimited).string(n.key);
  if (n.idempotency) {
    writer.tag(record.idempotencyKey, WireType.LengthDelimited).string(n.idempotency.key);
    writer.tag(record.fingerprint, WireType.LengthDelimited).string(n.idempotency.fingerprint);
  }
  return writer.finish();
}

/**
 * Reads one `NotificationRecord` of `length` bytes. Like protobuf-es, a known
 * field is read as its type whatever the wire type says, and an unknown one
 * is skipped.
 */
export function readNotification(reader: BinaryReader, length: number): StoredNotification {
  const end = reader.pos + length;
  let id = "";
  let category = "";
  let message = "";
  let createdAt = 0;
  const properties: Record<string, string> = {};
  let key = "";
  let idempotencyKey = "";
  let fingerprint = "";
  while (reader.pos < end) {
    const [field, wireType] = reader.tag();
    if (field === record.id) id = reader.string(true);
    else if (field === record.category) category = reader.string(true);
    else if (field === record.message) message = reader.string(true);
    else if (field === record.createdAt) createdAt = Number(reader.int64());
    else if (field === record.properties) readProperty(reader, reader.uint32(), properties);
    else if (field === record.key) key = reader.string(true);
    else if (field === record.idempotencyKey) idempotencyKey = reader.string(true);
    else if (field === record.fingerprint) fingerprint = reader.string(true);
    else reader.skip(wireType, field);
  }
  return {
    id,
    category,
    message,
    createdAt,
    properties,
    ...(key && { key }),
    ...(idempotencyKey && { idempotency: { key: idempotencyKey, fingerprint } }),
  };
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
