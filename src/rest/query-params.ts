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
 * fields): booleans `true`/`false`, enums by name or number, numbers
 * checked, a repeated field from every occurrence. Throws a 400 RestError
 * naming the parameter when it names no field, a field the path or body
 * sets, a field a query cannot set (a message or a map), or a value of the
 * wrong type.
 */
export function applyQuery(
  target: JsonObject,
  message: DescMessage,
  params: URLSearchParams,
  options: QueryOptions,
): void {
  for (const name of new Set(params.keys())) {
    const fields = resolveFieldPath(message, name);
    const field = fields?.at(-1);
    const label = `query parameter ${quoteValue(name)}`;
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
  const byName = desc.values.find((v) => v.name === value);
  if (byName) return byName.name;
  if (integerPattern.test(value)) {
    const byNumber = desc.values.find((v) => v.number === Number(value));
    if (byNumber) return byNumber.name;
  }
  const names = desc.values.map((v) => v.name).join(", ");
  throw badValue(label, value, `one of ${names} (or its number)`);
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
