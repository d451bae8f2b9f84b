import {
  type DescEnum,
  type DescField,
  type DescMessage,
  type JsonObject,
  type JsonValue,
  ScalarType,
} from "@bufbuild/protobuf";
import { quoteValue, RestError } from "./error-body.js";
import { fieldPathName, resolveFieldPath, setJsonField } from "./field-path.js";

/** How query parameters map onto a request message. */
export interface QueryOptions {
  /** Field paths already set by the path or the body (proto names); naming them again is an error. */
  readonly bound: readonly string[];
  /** Parameters whose values are comma-separated lists (`?ids=a,b,c`). */
  readonly commaLists?: readonly string[];
  /**
   * Short names for field paths: a parameter whose name, or first dotted
   * part, is a key here names the path it maps to instead
   * (`category` → `filter.categories`; `property.team` → `filter.properties.team`).
   */
  readonly aliases?: Readonly<Record<string, string>>;
}

// Well-known types whose proto3 JSON form is a plain string, settable from a query.
const stringWellKnownTypes = new Set([
  "google.protobuf.Timestamp",
  "google.protobuf.Duration",
  "google.protobuf.FieldMask",
]);

/**
 * Sets query parameters into proto3 JSON for `fromJson`, converted by the
 * type of the field each names (proto name or JSON name, dotted for nested
 * fields, or an alias): booleans `true`/`false`, enums by name, by number or
 * by the name without the enum's prefix in lower case (`unread` for
 * `READ_FILTER_UNREAD`), numbers checked, a repeated field from every
 * occurrence, a map entry from `<map field>.<key>`. Throws a 400 RestError
 * naming the parameter when it names no field, a field the path or body
 * sets, a field a query cannot set (a message, or a map without a key), or a
 * value of the wrong type.
 */
export function applyQuery(
  target: JsonObject,
  message: DescMessage,
  params: URLSearchParams,
  options: QueryOptions,
): void {
  for (const name of new Set(params.keys())) {
    const label = `query parameter ${quoteValue(name)}`;
    const named = unalias(name, options.aliases);
    const entry = resolveMapEntry(message, named);
    if (entry) {
      const values = params.getAll(name);
      if (values.length > 1) throw inputError(`${label} must be given once`);
      const bound = options.bound.find((b) => entry.path === b || entry.path.startsWith(`${b}.`));
      if (bound !== undefined) {
        throw inputError(`${label} sets ${bound}, which the request already sets`);
      }
      setMapEntry(target, entry, convertMapValue(entry.map, label, values[0] ?? ""));
      continue;
    }
    const fields = resolveFieldPath(message, named);
    const field = fields?.at(-1);
    if (!fields || !field) throw inputError(`unknown ${label}`);
    const path = fieldPathName(fields);
    const bound = options.bound.find((b) => path === b || path.startsWith(`${b}.`));
    if (bound !== undefined) {
      throw inputError(`${label} sets ${bound}, which the request already sets`);
    }
    let values = params.getAll(name);
    if (options.commaLists?.includes(name) || options.commaLists?.includes(path)) {
      values = values.flatMap(splitCommaList);
    }
    setJsonField(target, fields, convertField(field, label, values));
  }
}

/**
 * Converts one text value (a path variable or a query parameter) for a
 * singular scalar or enum field; `label` names it in the error.
 */
export function convertText(field: DescField, label: string, value: string): JsonValue {
  return convertField(field, label, [value]);
}

/** The parameter's name with an alias for it, or for its first dotted part, replaced. */
function unalias(name: string, aliases: Readonly<Record<string, string>> | undefined): string {
  if (!aliases) return name;
  const dot = name.indexOf(".");
  const head = dot < 0 ? name : name.slice(0, dot);
  const path = Object.hasOwn(aliases, head) ? aliases[head] : undefined;
  return path === undefined ? name : path + (dot < 0 ? "" : name.slice(dot));
}

/** A map field reached by a dotted path, and the key that follows it. */
interface MapEntry {
  readonly fields: DescField[];
  readonly map: DescField & { fieldKind: "map" };
  readonly key: string;
  /** The proto-name spelling of the map field's path. */
  readonly path: string;
}

/** `filter.properties.team` as the map `filter.properties` and the key `team`; undefined otherwise. */
function resolveMapEntry(message: DescMessage, name: string): MapEntry | undefined {
  const parts = name.split(".");
  for (let split = parts.length - 1; split >= 1; split--) {
    const fields = resolveFieldPath(message, parts.slice(0, split).join("."));
    const map = fields?.at(-1);
    if (fields && map?.fieldKind === "map") {
      return { fields, map, key: parts.slice(split).join("."), path: fieldPathName(fields) };
    }
  }
  return undefined;
}

function setMapEntry(target: JsonObject, entry: MapEntry, value: JsonValue): void {
  let object = target;
  for (const field of entry.fields) {
    if (field.jsonName !== field.name) delete object[field.jsonName];
    const next = object[field.name];
    const child: JsonObject =
      typeof next === "object" && next !== null && !Array.isArray(next) ? next : {};
    object[field.name] = child;
    object = child;
  }
  object[entry.key] = value;
}

function convertMapValue(map: DescField & { fieldKind: "map" }, label: string, value: string) {
  switch (map.mapKind) {
    case "scalar":
      return convertScalar(map.scalar, label, value);
    case "enum":
      return convertEnum(map.enum, label, value);
    default:
      throw notSettable(label, "a map of messages");
  }
}

/** Splits `a, b,,c` into `["a", "b", "c"]`: entries trimmed, empty ones dropped. */
export function splitCommaList(value: string): string[] {
  return value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
}

function convertField(field: DescField, label: string, values: string[]): JsonValue {
  if (field.fieldKind === "list") {
    if (field.listKind === "message") throw notSettable(label, "a list of messages");
    return values.map((value) =>
      field.listKind === "enum"
        ? convertEnum(field.enum, label, value)
        : convertScalar(field.scalar, label, value),
    );
  }
  if (values.length > 1) throw inputError(`${label} must be given once`);
  const value = values[0] ?? "";
  switch (field.fieldKind) {
    case "scalar":
      return convertScalar(field.scalar, label, value);
    case "enum":
      return convertEnum(field.enum, label, value);
    case "message":
      if (stringWellKnownTypes.has(field.message.typeName)) return value;
      throw notSettable(label, "a message");
    case "map":
      throw notSettable(label, "a map");
  }
}

const integerPattern = /^-?[0-9]+$/;
const int32Types = new Set([ScalarType.INT32, ScalarType.SINT32, ScalarType.SFIXED32]);
const uint32Types = new Set([ScalarType.UINT32, ScalarType.FIXED32]);
const int64Types = new Set([
  ScalarType.INT64,
  ScalarType.SINT64,
  ScalarType.SFIXED64,
  ScalarType.UINT64,
  ScalarType.FIXED64,
]);

function convertScalar(type: ScalarType, label: string, value: string): JsonValue {
  if (type === ScalarType.STRING || type === ScalarType.BYTES) return value;
  if (type === ScalarType.BOOL) {
    if (value === "true" || value === "1") return true;
    if (value === "false" || value === "0") return false;
    throw badValue(label, value, "true or false");
  }
  if (int64Types.has(type)) {
    // proto3 JSON carries 64-bit integers as strings; fromJson checks the range.
    if (!integerPattern.test(value)) throw badValue(label, value, "an integer");
    return value;
  }
  if (int32Types.has(type) || uint32Types.has(type)) {
    const number = Number(value);
    const min = uint32Types.has(type) ? 0 : -(2 ** 31);
    const max = uint32Types.has(type) ? 2 ** 32 - 1 : 2 ** 31 - 1;
    if (!integerPattern.test(value) || number < min || number > max) {
      throw badValue(label, value, `an integer from ${min} to ${max}`);
    }
    return number;
  }
  // float and double
  if (value === "NaN" || value === "Infinity" || value === "-Infinity") return value;
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number)) throw badValue(label, value, "a number");
  return number;
}

function convertEnum(desc: DescEnum, label: string, value: string): JsonValue {
  const byName = desc.values.find((v) => v.name === value || shortName(desc, v.name) === value);
  if (byName) return byName.name;
  if (integerPattern.test(value)) {
    const byNumber = desc.values.find((v) => v.number === Number(value));
    if (byNumber) return byNumber.name;
  }
  const names = desc.values.map((v) => v.name).join(", ");
  const short = desc.sharedPrefix
    ? `, ${desc.values.map((v) => shortName(desc, v.name)).join(", ")}`
    : "";
  throw badValue(label, value, `one of ${names}${short} (or its number)`);
}

/** `READ_FILTER_UNREAD` as `unread`: without the prefix all values share, in lower case. */
function shortName(desc: DescEnum, name: string): string | undefined {
  const prefix = desc.sharedPrefix;
  if (!prefix || name.length <= prefix.length) return undefined;
  return name.slice(prefix.length).toLowerCase();
}

function badValue(label: string, value: string, expected: string): RestError {
  return inputError(`${label} must be ${expected} (got ${quoteValue(value)})`);
}

function notSettable(label: string, what: string): RestError {
  return inputError(`${label} names ${what}, which a query cannot set`);
}

function inputError(message: string): RestError {
  return new RestError(400, message);
}
