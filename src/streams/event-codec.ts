import type { StateFlag } from "../domain/inbox-state.js";
import type { StoredNotification } from "../domain/notification.js";
import type { NotificationFilter, ReadSelection } from "../domain/notification-filter.js";
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
    case "updated":
      return { kind: value.kind, notification: decodeNotification(value.notification) };
    case "deleted":
      if (!isStringArray(value.ids)) throw new EventDecodeError("deleted: ids must be strings");
      return { kind: "deleted", ids: value.ids };
    case "cleared":
      if (typeof value.upTo !== "string" || !isStringArray(value.ids)) {
        throw new EventDecodeError("cleared: upTo must be a string and ids strings");
      }
      return { kind: "cleared", upTo: value.upTo, ids: value.ids };
    case "marked":
      if (!isFlag(value.flag) || !isStringArray(value.ids) || typeof value.value !== "boolean") {
        throw new EventDecodeError("marked: flag, ids or value is malformed");
      }
      return { kind: "marked", flag: value.flag, ids: value.ids, value: value.value };
    case "marked-all":
      if (!isFlag(value.flag) || typeof value.upTo !== "string") {
        throw new EventDecodeError("marked-all: flag or upTo is malformed");
      }
      return {
        kind: "marked-all",
        flag: value.flag,
        upTo: value.upTo,
        filter: decodeFilter(value.filter),
      };
    case "seen":
      if (typeof value.cursor !== "string")
        throw new EventDecodeError("seen: cursor must be a string");
      return { kind: "seen", cursor: value.cursor };
    case "broadcast":
      if (
        typeof value.topic !== "string" ||
        typeof value.category !== "string" ||
        typeof value.message !== "string" ||
        typeof value.sentAt !== "number" ||
        !isStringMap(value.properties)
      ) {
        throw new EventDecodeError("broadcast: not a broadcast");
      }
      return {
        kind: "broadcast",
        topic: value.topic,
        category: value.category,
        message: value.message,
        properties: value.properties,
        sentAt: value.sentAt,
      };
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
    !isStringMap(value.properties) ||
    (value.key !== undefined && typeof value.key !== "string")
  ) {
    throw new EventDecodeError("created: not a notification");
  }
  return {
    id: value.id,
    category: value.category,
    message: value.message,
    createdAt: value.createdAt,
    properties: value.properties,
    ...(typeof value.key === "string" && { key: value.key }),
  };
}

const readSelections: readonly string[] = ["any", "unread", "read"] satisfies ReadSelection[];

function decodeFilter(value: unknown): NotificationFilter {
  if (
    !isRecord(value) ||
    !isStringArray(value.categories) ||
    typeof value.read !== "string" ||
    !readSelections.includes(value.read) ||
    typeof value.archived !== "boolean" ||
    !isStringMap(value.properties)
  ) {
    throw new EventDecodeError("marked-all: not a filter");
  }
  return {
    categories: value.categories,
    read: value.read as ReadSelection,
    archived: value.archived,
    properties: value.properties,
  };
}

function isFlag(value: unknown): value is StateFlag {
  return value === "read" || value === "archived";
}

function isStringMap(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((v) => typeof v === "string");
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
