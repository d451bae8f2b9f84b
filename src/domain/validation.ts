import { ValidationError } from "./validation-error.js";

/** Limits of contract §3.1, in Unicode code points. */
export const limits = Object.freeze({
  usernameMax: 128,
  categoryMin: 3,
  categoryMax: 20,
  messageMin: 1,
  messageMax: 255,
  propertiesMax: 32,
  propertyKeyMax: 64,
  propertyValueMax: 1024,
  /** Most ids one delete may name: bounds the tombstones one call can add. */
  deleteIdsMax: 1000,
});

const usernamePattern = /^[A-Za-z0-9._\-@+]+$/;

/** Length in Unicode code points, as the contract counts (no trimming). */
function codePoints(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/** Throws unless `value` is 1 to 128 characters of `A-Z a-z 0-9 . _ - @ +`. */
export function checkUsername(value: string): void {
  const length = codePoints(value);
  if (length < 1 || length > limits.usernameMax || !usernamePattern.test(value)) {
    throw new ValidationError(
      "username",
      `username must be 1 to ${limits.usernameMax} characters of A-Z a-z 0-9 . _ - @ + (got ${describe(value)})`,
    );
  }
}

/**
 * Throws unless a delete names some ids (at most 1000) or, with `all`,
 * everything: never both, and never nothing, so that a caller whose list of
 * ids came out empty deletes nothing rather than the whole inbox.
 */
export function checkDeleteTarget(ids: readonly string[], all: boolean): void {
  if (all && ids.length > 0) {
    throw new ValidationError(
      "ids",
      `ids and all exclude each other: send all: true with no ids to delete everything, or the ids alone (got ${ids.length} ids and all: true)`,
    );
  }
  if (!all && ids.length === 0) {
    throw new ValidationError(
      "ids",
      "ids must name at least one notification; to delete every notification, send all: true and no ids",
    );
  }
  if (ids.length > limits.deleteIdsMax) {
    throw new ValidationError(
      "ids",
      `ids must name at most ${limits.deleteIdsMax} notifications (got ${ids.length})`,
    );
  }
}

/** Throws unless `value` is 3 to 20 characters. */
export function checkCategory(value: string): void {
  checkLength("category", value, limits.categoryMin, limits.categoryMax);
}

/** Throws unless `value` is 1 to 255 characters. */
export function checkMessage(value: string): void {
  checkLength("message", value, limits.messageMin, limits.messageMax);
}

/** Throws unless there are at most 32 properties, keys of 1 to 64 and values of at most 1024 characters. */
export function checkProperties(properties: Readonly<Record<string, string>>): void {
  const keys = Object.keys(properties);
  if (keys.length > limits.propertiesMax) {
    throw new ValidationError(
      "properties",
      `properties must have at most ${limits.propertiesMax} entries (got ${keys.length})`,
    );
  }
  for (const key of keys) {
    const keyLength = codePoints(key);
    if (keyLength < 1 || keyLength > limits.propertyKeyMax) {
      throw new ValidationError(
        "properties",
        `properties keys must be 1 to ${limits.propertyKeyMax} characters (got ${describe(key)})`,
      );
    }
    const valueLength = codePoints(properties[key] ?? "");
    if (valueLength > limits.propertyValueMax) {
      throw new ValidationError(
        "properties",
        `properties["${key}"] must be at most ${limits.propertyValueMax} characters (got ${valueLength})`,
      );
    }
  }
}

function checkLength(field: string, value: string, min: number, max: number): void {
  const length = codePoints(value);
  if (length < min || length > max) {
    throw new ValidationError(
      field,
      `${field} must be ${min} to ${max} characters (got ${length === 0 ? "none" : length})`,
    );
  }
}

/** A short, safe rendering of a rejected value for an error message. */
function describe(value: string): string {
  if (value === "") return "an empty string";
  const shown = codePoints(value) > 40 ? `${[...value].slice(0, 40).join("")}…` : value;
  return JSON.stringify(shown);
}
