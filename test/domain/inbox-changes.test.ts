import { describe, expect, it } from "vitest";
import { applyChanges } from "../../src/domain/inbox-changes.js";
import { emptyHead, type InboxHead } from "../../src/domain/inbox-head.js";
import { describeSegment } from "../../src/domain/segment-ref.js";
import { stored } from "./fixtures.js";

function head(ids: string[], deleted: string[] = [], more: Partial<InboxHead> = {}): InboxHead {
  return {
    ...emptyHead,
    notifications: ids.map((id) => stored(id)),
    deletedIds: new Set(deleted),
    ...more,
  };
}
const ids = (h: InboxHead) => h.notifications.map((n) => n.id);

describe("applyChanges", () => {
  it("applies a batch in order: add, delete, clear, add", () => {
    const next = applyChanges(
      head(["3", "2"]),
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
    const next = applyChanges(head(["7", "5", "3"]), [{ kind: "clear", upTo: "6" }], 1000);
    expect(ids(next)).toEqual([]);
    expect(next.clearedUpTo).toBe("6");
    expect(ids(applyChanges(next, [{ kind: "add", notification: stored("8") }], 1000))).toEqual([
      "8",
    ]);
  });

  it("a delete-all's mark is the newest id it read when that is older than its fresh id", () => {
    const next = applyChanges(head(["5", "3"]), [{ kind: "clear", upTo: "9" }], 1000);
    expect(next.clearedUpTo).toBe("5");
    // A later create through an instance whose id sorts below the fresh id stays.
    expect(ids(applyChanges(next, [{ kind: "add", notification: stored("7") }], 1000))).toEqual([
      "7",
    ]);
  });

  it("a delete-all counts a segment's newest id as read, and drops the segments under its mark", () => {
    const segments = [describeSegment("k", 0, [stored("4"), stored("2")])];
    const next = applyChanges(head(["3"], [], { segments }), [{ kind: "clear", upTo: "9" }], 1000);
    expect(next.clearedUpTo).toBe("4");
    expect(next.segments).toEqual([]);
  });

  it("bounds tombstones: those under the mark go, and at most the limit remain", () => {
    const next = applyChanges(
      head([], ["1", "2"]),
      [
        { kind: "clear", upTo: "2" },
        { kind: "delete", ids: ["3", "4", "5", "6"] },
      ],
      3,
    );
    expect([...next.deletedIds].sort()).toEqual(["4", "5", "6"]);
  });

  it("keeps tombstones older than the oldest notification", () => {
    const next = applyChanges(head(["9", "8"], ["1", "85"]), [], 2);
    expect([...next.deletedIds].sort()).toEqual(["1", "85"]);
  });
});
