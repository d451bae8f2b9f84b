import { describe, expect, it } from "vitest";
import {
  applyChanges,
  emptyList,
  mergeLists,
  type NotificationList,
} from "../../src/domain/notification-list.js";
import { stored } from "./fixtures.js";

function list(ids: string[], deleted: string[] = [], clearedUpTo = ""): NotificationList {
  return { notifications: ids.map((id) => stored(id)), deletedIds: new Set(deleted), clearedUpTo };
}
const ids = (l: NotificationList) => l.notifications.map((n) => n.id);

// The predecessor's NotificationListResolverTest, adjusted: tombstones are kept, not cleared.
describe("mergeLists (the sibling resolver)", () => {
  it("unions siblings by id, newest first", () => {
    const merged = mergeLists(
      [list(["1", "4", "2", "3"]), list(["2", "3", "5"]), list(["6", "2", "5"])],
      1000,
    );
    expect(ids(merged)).toEqual(["6", "5", "4", "3", "2", "1"]);
  });

  it("removes every sibling's deleted ids and keeps the tombstones", () => {
    const merged = mergeLists(
      [
        list(["1", "4", "2", "3"], ["3"]),
        list(["2", "3", "5"], ["4"]),
        list(["6", "2", "5"], ["3", "6"]),
      ],
      1000,
    );
    expect(ids(merged)).toEqual(["5", "2", "1"]);
    expect([...merged.deletedIds].sort()).toEqual(["3", "4", "6"]);
  });

  it("a single sibling with its own tombstone drops the notification", () => {
    const merged = mergeLists([list(["1"], ["1"])], 1000);
    expect(ids(merged)).toEqual([]);
  });

  it("no siblings is the empty list", () => {
    expect(ids(mergeLists([], 1000))).toEqual([]);
  });

  it("applies the greatest delete-all mark of any sibling", () => {
    const merged = mergeLists([list(["5", "3", "1"]), list(["6", "4"], [], "4")], 1000);
    expect(ids(merged)).toEqual(["6", "5"]);
    expect(merged.clearedUpTo).toBe("4");
  });

  it("keeps the newest `retention` after deletions, not before (fixes the predecessor)", () => {
    const merged = mergeLists([list(["5", "4", "3"], ["5"]), list(["2", "1"])], 3);
    expect(ids(merged)).toEqual(["4", "3", "2"]);
  });

  it("drops duplicates of one id (the predecessor's testNoDuplicateNotifications)", () => {
    const merged = mergeLists([list(["1"]), list(["1"]), list(["1"])], 1000);
    expect(ids(merged)).toEqual(["1"]);
  });
});

describe("applyChanges", () => {
  it("adds, trimming the oldest beyond retention (ids 0000..2000 keep 2000..1001)", () => {
    let current: NotificationList = emptyList;
    for (let i = 0; i <= 2000; i++) {
      current = applyChanges(
        current,
        [{ kind: "add", notification: stored(String(i).padStart(4, "0")) }],
        1000,
      );
    }
    expect(current.notifications).toHaveLength(1000);
    expect(ids(current)[0]).toBe("2000");
    expect(ids(current).at(-1)).toBe("1001");
  });

  it("applies a batch in order: add, delete, clear, add", () => {
    const next = applyChanges(
      list(["3", "2"]),
      [
        { kind: "add", notification: stored("4") },
        { kind: "delete", ids: ["2"] },
        { kind: "clear", upTo: "3" },
        { kind: "add", notification: stored("5") },
      ],
      1000,
    );
    // 4 was added before the clear: the clear removes it, with a tombstone as 4 is above its mark.
    expect(ids(next)).toEqual(["5"]);
    expect(next.clearedUpTo).toBe("3");
    expect([...next.deletedIds]).toEqual(["4"]);
  });

  it("a delete-all removes what it read, even an id above its own fresh id", () => {
    const next = applyChanges(list(["7", "5", "3"]), [{ kind: "clear", upTo: "6" }], 1000);
    expect(ids(next)).toEqual([]);
    expect(next.clearedUpTo).toBe("6");
    expect(ids(applyChanges(next, [{ kind: "add", notification: stored("8") }], 1000))).toEqual([
      "8",
    ]);
  });

  it("a delete-all's mark is the newest id it read when that is older than its fresh id", () => {
    const next = applyChanges(list(["5", "3"]), [{ kind: "clear", upTo: "9" }], 1000);
    expect(next.clearedUpTo).toBe("5");
    // A later create through an instance whose id sorts below the fresh id stays.
    expect(ids(applyChanges(next, [{ kind: "add", notification: stored("7") }], 1000))).toEqual([
      "7",
    ]);
  });

  it("bounds tombstones: those under the mark go, and at most `retention` remain", () => {
    const next = applyChanges(
      list([], ["1", "2"]),
      [
        { kind: "clear", upTo: "2" },
        { kind: "delete", ids: ["3", "4", "5", "6"] },
      ],
      3,
    );
    expect([...next.deletedIds].sort()).toEqual(["4", "5", "6"]);
  });

  it("keeps tombstones older than the oldest notification of a full list", () => {
    const next = applyChanges(list(["9", "8"], ["1", "85"]), [], 2);
    expect([...next.deletedIds].sort()).toEqual(["1", "85"]);
  });

  it("a deletion holds when a concurrent sibling's deletions free room in a full list", () => {
    const read = list(["3", "2", "1"]);
    const deletedOne = applyChanges(read, [{ kind: "delete", ids: ["1"] }], 3);
    const full = applyChanges(deletedOne, [{ kind: "add", notification: stored("4") }], 3);
    const concurrent = applyChanges(read, [{ kind: "delete", ids: ["3"] }], 3);
    expect(ids(mergeLists([full, concurrent], 3))).toEqual(["4", "2"]);
  });
});
