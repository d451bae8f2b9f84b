import { describe, expect, it } from "vitest";
import type { StoredNotification } from "../../src/domain/notification.js";
import type { NotificationList } from "../../src/domain/notification-list.js";
import { clearedEvent, replayEvents } from "../../src/streams/replay.js";

const n = (id: string): StoredNotification => ({
  id,
  category: "like",
  message: id,
  createdAt: 0,
  properties: {},
});
const list = (ids: string[], deleted: string[] = [], clearedUpTo = ""): NotificationList => ({
  notifications: ids.map(n),
  deletedIds: new Set(deleted),
  clearedUpTo,
});

describe("replayEvents", () => {
  it("replays the notifications newer than after, oldest first", () => {
    const events = replayEvents(list(["e", "d", "c", "b"]), "c");
    expect(events).toEqual([
      { kind: "created", notification: n("d") },
      { kind: "created", notification: n("e") },
    ]);
  });

  it("starts with the delete-all mark, then the tombstones the client may hold", () => {
    const events = replayEvents(list(["f"], ["d", "b", "e"], "a"), "d");
    expect(events).toEqual([
      { kind: "cleared", upTo: "a", ids: [] },
      { kind: "deleted", ids: ["b", "d"] },
      { kind: "created", notification: n("f") },
    ]);
  });

  it("is empty when nothing happened after after", () => {
    expect(replayEvents(list(["c", "b"]), "c")).toEqual([]);
  });
});

describe("clearedEvent", () => {
  it("carries the mark and the tombstones above it", () => {
    expect(clearedEvent(list(["z"], ["m", "q", "p"], "n"))).toEqual({
      kind: "cleared",
      upTo: "n",
      ids: ["p", "q"],
    });
  });
});
