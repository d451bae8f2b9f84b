import { describe, expect, it } from "vitest";
import { emptyHead, type InboxHead, mergeHeads, pruneHead } from "../../src/domain/inbox-head.js";
import { describeSegment, type SegmentRef } from "../../src/domain/segment-ref.js";
import { stored } from "./fixtures.js";

function head(
  ids: string[],
  deleted: string[] = [],
  clearedUpTo = "",
  more: Partial<InboxHead> = {},
) {
  return {
    ...emptyHead,
    notifications: ids.map((id) => stored(id)),
    deletedIds: new Set(deleted),
    clearedUpTo,
    ...more,
  };
}
const ids = (h: InboxHead) => h.notifications.map((n) => n.id);
const keys = (h: InboxHead) => h.segments.map((ref) => ref.key);
const segment = (key: string, memberIds: string[], more: Partial<SegmentRef> = {}): SegmentRef => ({
  ...describeSegment(
    key,
    0,
    memberIds.map((id) => stored(id)),
  ),
  ...more,
});

// The predecessor's NotificationListResolverTest, adjusted: tombstones are kept, not cleared.
describe("mergeHeads (the sibling resolver)", () => {
  it("unions siblings by id, newest first", () => {
    const merged = mergeHeads(
      [head(["1", "4", "2", "3"]), head(["2", "3", "5"]), head(["6", "2", "5"])],
      1000,
    );
    expect(ids(merged)).toEqual(["6", "5", "4", "3", "2", "1"]);
  });

  it("removes every sibling's deleted ids and keeps the tombstones", () => {
    const merged = mergeHeads(
      [
        head(["1", "4", "2", "3"], ["3"]),
        head(["2", "3", "5"], ["4"]),
        head(["6", "2", "5"], ["3", "6"]),
      ],
      1000,
    );
    expect(ids(merged)).toEqual(["5", "2", "1"]);
    expect([...merged.deletedIds].sort()).toEqual(["3", "4", "6"]);
  });

  it("a single sibling with its own tombstone drops the notification", () => {
    expect(ids(mergeHeads([head(["1"], ["1"])], 1000))).toEqual([]);
  });

  it("no siblings is the empty head", () => {
    expect(mergeHeads([], 1000)).toEqual(emptyHead);
  });

  it("applies the greatest delete-all mark of any sibling", () => {
    const merged = mergeHeads([head(["5", "3", "1"]), head(["6", "4"], [], "4")], 1000);
    expect(ids(merged)).toEqual(["6", "5"]);
    expect(merged.clearedUpTo).toBe("4");
  });

  it("drops duplicates of one id (the predecessor's testNoDuplicateNotifications)", () => {
    expect(ids(mergeHeads([head(["1"]), head(["1"]), head(["1"])], 1000))).toEqual(["1"]);
  });

  it("unions segment references by key, with the greatest aged-out count of each", () => {
    const a = segment("ka", ["3", "2"]);
    const b = segment("kb", ["6", "5"]);
    const merged = mergeHeads(
      [
        head(["9"], [], "", { segments: [a] }),
        head(["8"], [], "", { segments: [{ ...a, agedOut: 1 }, b] }),
      ],
      1000,
    );
    expect(keys(merged)).toEqual(["kb", "ka"]);
    expect(merged.segments.find((ref) => ref.key === "ka")?.agedOut).toBe(1);
  });

  it("drops a reference that a compacted segment in any sibling replaces", () => {
    const old = [segment("k1", ["2", "1"]), segment("k2", ["4", "3"])];
    const compacted = segment("k9", ["4", "3", "2", "1"], { level: 1, replaces: ["k1", "k2"] });
    const merged = mergeHeads(
      [head(["5"], [], "", { segments: old }), head(["6"], [], "", { segments: [compacted] })],
      1000,
    );
    expect(keys(merged)).toEqual(["k9"]);
  });

  it("keeps references wholly under the marks, which a write then drops (pruneHead)", () => {
    const merged = mergeHeads(
      [
        head(["9"], [], "", { segments: [segment("k1", ["2", "1"]), segment("k2", ["5", "3"])] }),
        head([], [], "2"),
        head([], [], "", { agedOutUpTo: "1" }),
      ],
      1000,
    );
    // Kept by the merge, so that what they replaced stays replaced however siblings are grouped.
    expect(keys(merged)).toEqual(["k2", "k1"]);
    expect([merged.clearedUpTo, merged.agedOutUpTo]).toEqual(["2", "1"]);
    expect(keys(pruneHead(merged, 1000))).toEqual(["k2"]);
  });

  it("bounds tombstones: those under a mark go, and at most the limit remain", () => {
    const merged = mergeHeads([head([], ["1", "2", "4", "5", "6", "7"], "2")], 3);
    expect([...merged.deletedIds].sort()).toEqual(["5", "6", "7"]);
    const aged = mergeHeads([head([], ["1", "2", "3"], "", { agedOutUpTo: "1" })], 3);
    expect([...aged.deletedIds].sort()).toEqual(["2", "3"]);
  });
});
