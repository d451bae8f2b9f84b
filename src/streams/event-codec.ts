import type { StoredNotification } from "../domain/notification.js";
import type { InboxEvent } from "./inbox-event.js";

/** A Redis message that is not an event this version understands. */
export class EventDecodeError extends Error {
  override readonly name = "EventDecodeError";
}

/** The wire form of an event between instances: JSON, versioned by the `v` field. */
export function encodeEvent(event: InboxEvent): string {
  return JSON.stringify({ v: 1, ...event });
}

/** Reads an event written by `encodeEvent`; throws EventDecodeError on anything else. */
export function decodeEvent(text: string): InboxEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new EventDecodeError("not JSON");
  }
  if (!isRecord(value) || value.v !== 1) throw new EventDecodeError("unknown event version");
  switch (value.kind) {
    case "created":
      return { kind: "created", notification: decodeNotification(value.notification) };
    case "deleted":
      if (!isStringArray(value.ids)) throw new EventDecodeError("deleted: ids must be strings");
      return { kind: "deleted", ids: value.ids };
    case "cleared":
      if (typeof value.upTo !== "string" || !isStringArray(value.ids)) {
        throw new EventDecodeError("cleared: upTo must be a string and ids strings");
      }
      return { kind: "cleared", upTo: value.upTo, ids: value.ids };
    default:
      throw new EventDecodeError(`unknown event kind ${JSON.stringify(value.kind)}`);
  }
}

function decodeNotification(value: unknown): StoredNotification {
  if (
    !isRecord(value) ||
    typeof value.id !== "string" ||
    typeof value.category !== "string" ||
    typeof value.message !== "string" ||
    typeof value.createdAt !== "number" ||
    !isRecord(value.properties) ||
    !Object.values(value.properties).every((v) => typeof v === "string")
  ) {
    throw new EventDecodeError("created: not a notification");
  }
  return {
    id: value.id,
    category: value.category,
    message: value.message,
    createdAt: value.createdAt,
    properties: value.properties as Record<string, string>,
  };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
