import {
  create,
  type DescField,
  type DescMessage,
  fromBinary,
  isFieldSet,
  type Message,
  ScalarType,
  toBinary,
} from "@bufbuild/protobuf";
import { MessageCode } from "../../src/riak/message-codes.js";
import { schemaByCode } from "../riak-node/message-view.js";

// The JSON view of riak-transcripts.json: riak_pb field names, only the fields
// on the wire, bytes as text when printable ASCII and as {"$hex"} otherwise;
// vclocks always as {"$hex"}.

/** The body schema of each message code the client uses; undefined for bodiless messages. */
export const bodySchemas: ReadonlyMap<number, DescMessage | undefined> = new Map(
  Object.values(MessageCode).map((code) => [code, schemaByCode.get(code)]),
);

type View = Record<string, unknown>;

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

export function fromHex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "hex"));
}

const printable = (bytes: Uint8Array) =>
  bytes.every((b) => (b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x09 || b === 0x0d);

function bytesView(field: DescField, bytes: Uint8Array): unknown {
  if (field.name === "vclock" || !printable(bytes)) return { $hex: hex(bytes) };
  return Buffer.from(bytes).toString("latin1");
}

function bytesFromView(value: unknown): Uint8Array {
  if (typeof value === "string") return new Uint8Array(Buffer.from(value, "latin1"));
  return fromHex((value as { $hex: string }).$hex);
}

/** Decodes a body with our schema, refusing fields the schema does not know. */
export function decodeStrict(schema: DescMessage, body: Uint8Array): Message {
  return fromBinary(schema, body, { readUnknownFields: false });
}

/** The transcript view of a message: only fields set, by riak_pb name. */
export function viewOf(schema: DescMessage, message: Message): View {
  const view: View = {};
  const record = message as unknown as Record<string, unknown>;
  for (const field of schema.fields) {
    const value = record[field.localName];
    if (field.fieldKind === "list") {
      const list = value as unknown[];
      if (list.length === 0) continue;
      view[field.name] = list.map((item) =>
        field.listKind === "message"
          ? viewOf(field.message, item as Message)
          : bytesView(field, item as Uint8Array),
      );
      continue;
    }
    if (!isFieldSet(message, field)) continue;
    if (field.fieldKind === "message") view[field.name] = viewOf(field.message, value as Message);
    else if (field.fieldKind === "enum") view[field.name] = field.enum.value[value as number]?.name;
    else if (field.scalar === ScalarType.BYTES)
      view[field.name] = bytesView(field, value as Uint8Array);
    else view[field.name] = value;
  }
  return view;
}

/** Builds a message from its transcript view, the inverse of {@link viewOf}. */
export function messageFromView(schema: DescMessage, view: View): Message {
  const init: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(view)) {
    const field = schema.fields.find((f) => f.name === name);
    if (field === undefined) throw new Error(`${schema.typeName} has no field ${name}`);
    if (field.fieldKind === "list") {
      init[field.localName] = (value as unknown[]).map((item) =>
        field.listKind === "message"
          ? messageFromView(field.message, item as View)
          : bytesFromView(item),
      );
    } else if (field.fieldKind === "message") {
      init[field.localName] = messageFromView(field.message, value as View);
    } else if (field.fieldKind === "enum") {
      init[field.localName] = field.enum.values.find((v) => v.name === value)?.number;
    } else if (field.scalar === ScalarType.BYTES) {
      init[field.localName] = bytesFromView(value);
    } else {
      init[field.localName] = value;
    }
  }
  return create(schema, init);
}

/** The recorded view with vclocks reduced to their bytes, as {@link viewOf} shows them. */
export function normalizeRecorded(view: unknown): unknown {
  if (Array.isArray(view)) return view.map(normalizeRecorded);
  if (view === null || typeof view !== "object") return view;
  const record = view as View;
  if ("$hex" in record) return { $hex: record.$hex };
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, normalizeRecorded(v)]));
}

export function encodeBody(schema: DescMessage | undefined, view: View): Uint8Array {
  return schema === undefined ? new Uint8Array(0) : toBinary(schema, messageFromView(schema, view));
}
