import type { Cursor } from "../domain/cursor.js";
import { StorageCorruptionError } from "./errors.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Encodes a cursor in the seed's JSON format,
 * `{"key":"<username>-notifications","value":"<id>"}`, plus `previous`, which
 * readers of the seed's format ignore.
 */
export function encodeCursor(key: string, cursor: Cursor): Uint8Array {
  return encoder.encode(JSON.stringify({ key, value: cursor.value, previous: cursor.previous }));
}

/** Decodes a stored cursor; one without `previous` (the seed's) pages by its value. */
export function decodeCursor(bytes: Uint8Array): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(bytes));
  } catch (cause) {
    throw new StorageCorruptionError("a stored cursor is not JSON", { cause });
  }
  const record = parsed as { value?: unknown; previous?: unknown } | null;
  if (typeof record?.value !== "string") {
    throw new StorageCorruptionError('a stored cursor has no string "value"');
  }
  const previous = typeof record.previous === "string" ? record.previous : record.value;
  return { value: record.value, previous };
}
