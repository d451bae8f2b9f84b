import type { DescField, DescMessage, JsonObject, JsonValue } from "@bufbuild/protobuf";
import { isJsonObject } from "./json-object.js";

/**
 * Resolves a dotted field path (`book.name`) against a message, each part by
 * its proto name or its JSON name. Every part but the last must be a singular
 * message field. Undefined when a part names no such field.
 */
export function resolveFieldPath(message: DescMessage, path: string): DescField[] | undefined {
  const fields: DescField[] = [];
  let current: DescMessage | undefined = message;
  for (const part of path.split(".")) {
    if (!current) return undefined;
    const field: DescField | undefined = current.fields.find(
      (f) => f.name === part || f.jsonName === part,
    );
    if (!field) return undefined;
    fields.push(field);
    current = field.fieldKind === "message" ? field.message : undefined;
  }
  return fields;
}

/** The proto-name spelling of a resolved path (`book.name`). */
export function fieldPathName(fields: readonly DescField[]): string {
  return fields.map((f) => f.name).join(".");
}

/**
 * Sets `value` at a resolved path in a proto3 JSON object, creating the
 * intermediate objects. Any value already there under the field's JSON name is
 * dropped, so the proto name is the only spelling left for `fromJson`.
 */
export function setJsonField(target: JsonObject, fields: readonly DescField[], value: JsonValue) {
  let object = target;
  fields.forEach((field, index) => {
    if (field.jsonName !== field.name) delete object[field.jsonName];
    if (index === fields.length - 1) {
      object[field.name] = value;
      return;
    }
    const next = object[field.name];
    const child: JsonObject = isJsonObject(next) ? next : {};
    object[field.name] = child;
    object = child;
  });
}

/** True when the JSON object already has a value for the field (by either spelling). */
export function hasJsonField(target: JsonObject, fields: readonly DescField[]): boolean {
  let object: JsonValue | undefined = target;
  for (const field of fields) {
    if (!isJsonObject(object)) return false;
    object = object[field.name] ?? object[field.jsonName];
    if (object === undefined) return false;
  }
  return true;
}

/** The value at a resolved path in a message, read by the fields' local names. */
export function readMessageField(message: object, fields: readonly DescField[]): unknown {
  let value: unknown = message;
  for (const field of fields) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[field.localName];
  }
  return value;
}
