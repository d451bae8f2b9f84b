import {
  type DescField,
  type DescMessage,
  type JsonObject,
  type JsonValue,
  type Message,
  ScalarType,
  toJson,
} from "@bufbuild/protobuf";
import { isJsonObject } from "./json-object.js";

/** How a response message becomes a REST body. */
export interface RestJsonOptions {
  /** The response field that is the body (`response_body`); undefined: the whole message. */
  readonly responseField?: DescField | undefined;
  /** Scalar fields (by proto name, at any depth) written even when they hold their default. */
  readonly emitDefaults?: readonly string[];
}

/**
 * Writes a response message as REST JSON: proto field names (snake_case),
 * empty maps, lists and default scalars left out unless `emitDefaults` names
 * them, and every Timestamp as RFC 3339 UTC with exactly three fraction
 * digits (`2015-07-26T16:06:10.970Z`). With `responseField`, only that field,
 * `[]` or `{}` when it is empty.
 */
export function toRestJson<Desc extends DescMessage>(
  schema: Desc,
  message: Message,
  options: RestJsonOptions = {},
): JsonValue {
  const emit = new Set(options.emitDefaults ?? []);
  const json = toJson(schema, message as never, { useProtoFieldName: true }) as JsonObject;
  const shaped = shapeMessage(schema, json, emit);
  const field = options.responseField;
  if (!field) return shaped;
  return shaped[field.name] ?? emptyValue(field);
}

function shapeMessage(desc: DescMessage, json: JsonObject, emit: ReadonlySet<string>): JsonObject {
  const out: JsonObject = {};
  for (const field of desc.fields) {
    const value = json[field.name];
    if (value !== undefined) {
      out[field.name] = shapeField(field, value, emit);
    } else if (emit.has(field.name)) {
      out[field.name] = emptyValue(field);
    }
  }
  return out;
}

function shapeField(field: DescField, value: JsonValue, emit: ReadonlySet<string>): JsonValue {
  switch (field.fieldKind) {
    case "message":
      return shapeNested(field.message, value, emit);
    case "list":
      return field.listKind === "message" && Array.isArray(value)
        ? value.map((item) => shapeNested(field.message, item, emit))
        : value;
    case "map":
      if (field.mapKind !== "message" || !isJsonObject(value)) return value;
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, shapeNested(field.message, item, emit)]),
      );
    default:
      return value;
  }
}

function shapeNested(desc: DescMessage, value: JsonValue, emit: ReadonlySet<string>): JsonValue {
  if (desc.typeName === "google.protobuf.Timestamp" && typeof value === "string") {
    return millisecondTimestamp(value);
  }
  return isJsonObject(value) && !desc.typeName.startsWith("google.protobuf.")
    ? shapeMessage(desc, value, emit)
    : value;
}

const timestampPattern = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/;

/** `…:10Z` and `…:10.970123Z` both become `…:10.970Z`. */
export function millisecondTimestamp(value: string): string {
  const match = timestampPattern.exec(value);
  if (!match) return value;
  return `${match[1]}.${(match[2] ?? "").padEnd(3, "0").slice(0, 3)}Z`;
}

function emptyValue(field: DescField): JsonValue {
  switch (field.fieldKind) {
    case "list":
      return [];
    case "map":
      return {};
    case "message":
      return null;
    case "enum":
      return field.enum.values[0]?.name ?? 0;
    case "scalar":
      if (field.scalar === ScalarType.BOOL) return false;
      if (field.scalar === ScalarType.STRING || field.scalar === ScalarType.BYTES) return "";
      return isInt64(field.scalar) ? "0" : 0;
  }
}

function isInt64(type: ScalarType): boolean {
  return [
    ScalarType.INT64,
    ScalarType.UINT64,
    ScalarType.SINT64,
    ScalarType.FIXED64,
    ScalarType.SFIXED64,
  ].includes(type);
}
