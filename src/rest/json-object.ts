import type { JsonObject, JsonValue } from "@bufbuild/protobuf";

/** True when a JSON value is an object (not an array, a string, a number or null). */
export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
