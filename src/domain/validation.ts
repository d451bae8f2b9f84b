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
  /** Most ids one delete or mark may name: bounds the tombstones or marks one call adds. */
  deleteIdsMax: 1000,
  /** Most categories one filter may name. */
  filterCategoriesMax: 100,
});

const usernamePattern = /^[A-Za-z0-9._\-@+]+$/;

/** Length in Unicode code points, as the contract counts (no trimming). */
export function codePoints(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/**
 * Throws unless `value` is 1 to 128 characters of `A-Z a-z 0-9 . _ - @ +`,
 * naming `field` (`usernames[3]` for an entry of a list).
 */
export function checkUsername(value: string, field = "username"): void {
  const length = codePoints(value);
  if (length < 1 || length > limits.usernameMax || !usernamePattern.test(value)) {
    throw new ValidationError(
      field,
      `${field} must be 1 to ${limits.usernameMax} characters of A-Z a-z 0-9 . _ - @ + (got ${describe(value)})`,
    );
  }
}

/** What a call that takes `ids` or `all` does to "everything", for its error messages. */
export type BulkAction = "delete" | "mark read" | "archive";

const everything: Readonly<Record<BulkAction, string>> = {
  delete: "delete every notification",
  "mark read": "mark every notification the filter selects read",
  archive: "archive every notification the filter selects",
};

/**
 * Throws unless a call names some ids (at most 1000) or, with `all`,
 * everything: never both, and never nothing, so that a caller whose list of
 * ids came out empty changes nothing rather than the whole inbox.
 */
export function checkIdsOrAll(ids: readonly string[], all: boolean, action: BulkAction): void {
  if (all && ids.length > 0) {
    throw new ValidationError(
      "ids",
      `ids and all exclude each other: send all: true with no ids to ${everything[action]}, or the ids alone (got ${ids.length} ids and all: true)`,
    );
  }
  if (!all && ids.length === 0) {
    throw new ValidationError(
      "ids",
      `ids must name at least one notification; to ${everything[action]}, send all: true and no ids`,
    );
  }
  checkIdCount(ids);
}

/** Throws unless `ids` names 1 to 1000 notifications. */
export function checkIds(ids: readonly string[]): void {
  if (ids.length === 0) {
    throw new ValidationError("ids", "ids must name at least one notification (got none)");
  }
  checkIdCount(ids);
}

function checkIdCount(ids: readonly string[]): void {
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

/**
 * Throws unless there are at most 32 properties, keys of 1 to 64 and values
 * of at most 1024 characters.
 *
 * @param field the field's name in errors; default `properties`.
 */
export function checkProperties(
  properties: Readonly<Record<string, string>>,
  field = "properties",
): void {
  const keys = Object.keys(properties);
  if (keys.length > limits.propertiesMax) {
    throw new ValidationError(
      field,
      `${field} must have at most ${limits.propertiesMax} entries (got ${keys.length})`,
    );
  }
  for (const key of keys) {
    const keyLength = codePoints(key);
    if (keyLength < 1 || keyLength > limits.propertyKeyMax) {
      throw new ValidationError(
        field,
        `${field} keys must be 1 to ${limits.propertyKeyMax} characters (got ${describe(key)})`,
      );
    }
    const valueLength = codePoints(properties[key] ?? "");
    if (valueLength > limits.propertyValueMax) {
      throw new ValidationError(
        field,
        `${field}["${key}"] must be at most ${limits.propertyValueMax} characters (got ${valueLength})`,
      );
    }
  }
}

/**
 * Throws unless a filter's categories (at most 100, each 3 to 20 characters)
 * and properties (as a notification's) could match a notification.
 */
export function checkFilterContent(
  categories: readonly string[],
  properties: Readonly<Record<string, string>>,
): void {
  if (categories.length > limits.filterCategoriesMax) {
    throw new ValidationError(
      "filter.categories",
      `filter.categories must name at most ${limits.filterCategoriesMax} categories (got ${categories.length})`,
    );
  }
  for (const category of categories) {
    checkLength("filter.categories", category, limits.categoryMin, limits.categoryMax);
  }
  checkProperties(properties, "filter.properties");
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
export function describe(value: string): string {
  if (value === "") return "an empty string";
  const shown = codePoints(value) > 40 ? `${[...value].slice(0, 40).join("")}…` : value;
  return JSON.stringify(shown);
}
