import { describe, expect, it } from "vitest";
import type { StoredNotification } from "../../src/domain/notification.js";
import { clearedEvent, replayEvents } from "../../src/streams/replay.js";

const n = (id: string): StoredNotification => ({
  id,
  category: "like",
  message: id,
  createdAt: 0,
  properties: {},
});
const head = (deleted: string[] = [], clearedUpTo = "") => ({
  deletedIds: new Set(deleted),
  clearedUpTo,
});

describe("replayEvents", () => {
  it("replays the notifications newer than after, oldest first", () => {
    const events = replayEvents(head(), ["e", "d", "c", "b"].map(n), "c");
    expect(events).toEqual([
      { kind: "created", notification: n("d") },
      { kind: "created", notification: n("e") },
    ]);
  });

  it("starts with the delete-all mark, then the tombstones the client may hold", () => {
    const events = replayEvents(head(["d", "b", "e"], "a"), [n("f")], "d");
    expect(events).toEqual([
      { kind: "cleared", upTo: "a", ids: [] },
      { kind: "deleted", ids: ["b", "d"] },
      { kind: "created", notification: n("f") },
    ]);
  });

  it("is empty when nothing happened after after", () => {
    expect(replayEvents(head(), ["c", "b"].map(n), "c")).toEqual([]);
  });
});

describe("clearedEvent", () => {
  it("carries the mark and the tombstones above it", () => {
    expect(clearedEvent(head(["m", "q", "p"], "n"))).toEqual({
      kind: "cleared",
      upTo: "n",
      ids: ["p", "q"],
    });
  });
});
