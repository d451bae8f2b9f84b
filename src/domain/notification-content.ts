import { createHash } from "node:crypto";
import { checkNotificationKey } from "./producer-validation.js";
import { checkCategory, checkMessage, checkProperties } from "./validation.js";

/** What a producer sends to every recipient alike: a notification without its id and time. */
export interface NotificationContent {
  readonly category: string;
  readonly message: string;
  readonly properties: Readonly<Record<string, string>>;
  /** The producer's name for the notification; "" for none. */
  readonly key: string;
}

/** Throws a ValidationError naming the first field out of bounds. */
export function checkContent(content: NotificationContent): void {
  checkCategory(content.category);
  checkMessage(content.message);
  checkProperties(content.properties);
  if (content.key !== "") checkNotificationKey(content.key);
}

/**
 * A short digest of the content (22 characters of base64url): two requests
 * with the same idempotency key and the same fingerprint are one request
 * retried; with another fingerprint, the key was reused for something else.
 * Property order does not count.
 */
export function fingerprintOf(content: NotificationContent, ...more: readonly string[]): string {
  const properties = Object.entries(content.properties).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return createHash("sha256")
    .update(JSON.stringify([content.category, content.message, properties, content.key, ...more]))
    .digest()
    .subarray(0, 16)
    .toString("base64url");
}
