import { ValidationError } from "./validation-error.js";

/** Limits of the producer calls (contract §9). */
export const producerLimits = Object.freeze({
  /** Characters of a notification key, a topic name or an idempotency key. */
  nameMax: 128,
  /** Users one CreateNotifications, AddTopicSubscribers or RemoveTopicSubscribers names. */
  usersPerCall: 1000,
});

// Keys and topics travel in REST paths and storage keys: no slash, no space.
const namePattern = /^[A-Za-z0-9._\-:@+]+$/;
// Idempotency keys travel in an HTTP header: visible ASCII.
const idempotencyPattern = /^[\x21-\x7e]+$/;

/** Throws unless `value` is 1 to 128 characters of `A-Z a-z 0-9 . _ - : @ +`. */
export function checkNotificationKey(value: string, field = "key"): void {
  checkName(value, field);
}

/** Throws unless `value` is a topic name: 1 to 128 characters of `A-Z a-z 0-9 . _ - : @ +`. */
export function checkTopic(value: string): void {
  checkName(value, "topic");
}

/** Throws unless `value` is 1 to 128 visible ASCII characters (no space). */
export function checkIdempotencyKey(value: string): void {
  if (
    value.length < 1 ||
    value.length > producerLimits.nameMax ||
    !idempotencyPattern.test(value)
  ) {
    throw new ValidationError(
      "idempotency_key",
      `idempotency_key (REST: the Idempotency-Key header) must be 1 to ${producerLimits.nameMax} visible ASCII characters, no spaces (got ${describeLength(value)})`,
    );
  }
}

/** Throws unless `usernames` names 1 to 1000 users (each is checked on its own). */
export function checkUsernameCount(usernames: readonly string[]): void {
  if (usernames.length < 1 || usernames.length > producerLimits.usersPerCall) {
    throw new ValidationError(
      "usernames",
      `usernames must name 1 to ${producerLimits.usersPerCall} users (got ${usernames.length})`,
    );
  }
}

function checkName(value: string, field: string): void {
  if (value.length < 1 || value.length > producerLimits.nameMax || !namePattern.test(value)) {
    throw new ValidationError(
      field,
      `${field} must be 1 to ${producerLimits.nameMax} characters of A-Z a-z 0-9 . _ - : @ + (got ${describeLength(value)})`,
    );
  }
}

function describeLength(value: string): string {
  if (value === "") return "an empty string";
  if (value.length > producerLimits.nameMax) return `${value.length} characters`;
  return JSON.stringify(value);
}
