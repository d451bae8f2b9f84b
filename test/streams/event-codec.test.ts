import { describe, expect, it } from "vitest";
import { decodeEvent, EventDecodeError, encodeEvent } from "../../src/streams/event-codec.js";
import type { InboxEvent } from "../../src/streams/inbox-event.js";

describe("event codec", () => {
  const events: InboxEvent[] = [
    {
      kind: "created",
      notification: {
        id: "2Q1Ds5JW7ZeHazdbdi0AnJ2fMOM",
        category: "like",
        message: "héllo 👋",
        createdAt: 1_700_000_000_123,
        properties: { post: "42" },
      },
    },
    {
      kind: "created",
      notification: {
        id: "2Q1Ds5JW7ZeHazdbdi0AnJ2fMOM",
        category: "like",
        message: "with a key",
        createdAt: 1_700_000_000_123,
        properties: {},
        key: "comment:8812",
      },
    },
    { kind: "deleted", ids: ["a", "b"] },
    { kind: "cleared", upTo: "m", ids: ["n"] },
    { kind: "marked", flag: "read", ids: ["a"], value: true },
    { kind: "marked", flag: "archived", ids: ["a", "b"], value: false },
    {
      kind: "marked-all",
      flag: "read",
      upTo: "m",
      filter: { categories: ["like"], read: "unread", archived: false, properties: { post: "1" } },
    },
    { kind: "seen", cursor: "m" },
    {
      kind: "broadcast",
      topic: "release:1.2",
      category: "release",
      message: "1.2 is out",
      properties: { channel: "stable" },
      sentAt: 1_700_000_000_456,
    },
  ];

  it.each(events)("round-trips a $kind event", (event) => {
    expect(decodeEvent(encodeEvent(event))).toEqual(event);
  });

  it.each([
    "{not json",
    "[]",
    JSON.stringify({ v: 2, kind: "deleted", ids: [] }),
    JSON.stringify({ v: 1, kind: "renamed" }),
    JSON.stringify({ v: 1, kind: "deleted", ids: [1] }),
    JSON.stringify({ v: 1, kind: "cleared", ids: [] }),
    JSON.stringify({ v: 1, kind: "created", notification: { id: "x" } }),
    JSON.stringify({ v: 1, kind: "marked", flag: "starred", ids: [], value: true }),
    JSON.stringify({ v: 1, kind: "marked", flag: "read", ids: ["a"] }),
    JSON.stringify({ v: 1, kind: "marked-all", flag: "read", upTo: "m" }),
    JSON.stringify({
      v: 1,
      kind: "marked-all",
      flag: "read",
      upTo: "m",
      filter: { categories: [], read: "maybe", archived: false, properties: {} },
    }),
    JSON.stringify({ v: 1, kind: "seen" }),
    JSON.stringify({ v: 1, kind: "broadcast", topic: "t", category: "c", message: "m" }),
    JSON.stringify({
      v: 1,
      kind: "created",
      notification: { id: "x", category: "c", message: "m", createdAt: 1, properties: {}, key: 7 },
    }),
    JSON.stringify({
      v: 1,
      kind: "created",
      notification: { id: "x", category: "c", message: "m", createdAt: 1, properties: { k: 1 } },
    }),
  ])("refuses %s", (text) => {
    expect(() => decodeEvent(text)).toThrow(EventDecodeError);
  });
});
