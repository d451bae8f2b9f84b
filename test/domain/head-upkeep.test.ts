import { describe, expect, it } from "vitest";
import { upkeep } from "../../src/domain/head-upkeep.js";
import type { InboxChange } from "../../src/domain/inbox-changes.js";
import { emptyHead, type InboxHead } from "../../src/domain/inbox-head.js";
import { describeSegment } from "../../src/domain/segment-ref.js";
import { idsDescending, stored } from "./fixtures.js";
import { SegmentShelf } from "./inbox-simulator.js";

const add = (id: string): InboxChange => ({ kind: "add", notification: stored(id) });
const adds = (count: number, width = 4) =>
  idsDescending(count, width)
    .reverse()
    .map((id) => add(id));
const ids = (head: InboxHead) => head.notifications.map((n) => n.id);
const options = { retention: 1000, headLimit: 40 };
const newKey = (() => {
  let n = 0;
  return () => `key-${String(++n).padStart(4, "0")}`;
})();

describe("upkeep: sealing", () => {
  it("leaves a head at its limit alone", () => {
    const shelf = new SegmentShelf();
    const head = shelf.build(adds(40), options);
    expect(head.notifications).toHaveLength(40);
    expect(head.segments).toEqual([]);
  });

  it("seals the oldest into a segment beyond the limit, keeping half the limit", () => {
    const shelf = new SegmentShelf();
    const head = shelf.build(adds(41), options);
    expect(ids(head)).toEqual(idsDescending(41, 4).slice(0, 20));
    const [ref] = head.segments;
    expect(ref).toMatchObject({ level: 0, count: 21, newestId: "0021", oldestId: "0001" });
    expect(shelf.segments.get(ref?.key ?? "")?.map((n) => n.id)).toEqual(
      idsDescending(21, 4).slice(0),
    );
    expect(shelf.shown(head, 1000)).toEqual(idsDescending(41, 4));
  });

  it("stores a segment before the head that references it, and only segments the head keeps", () => {
    const head = new SegmentShelf().build(adds(40), options);
    const changes = [add("0041")];
    const plan = upkeep(
      head,
      { ...head, notifications: [stored("0041"), ...head.notifications] },
      changes,
      new Map(),
      options,
      newKey,
    );
    if (plan.kind !== "ready") throw new Error("nothing to read");
    expect(plan.write.map((s) => s.ref)).toEqual(plan.head.segments);
    expect(plan.drop).toEqual([]);
  });

  it("keeps a thousand notifications in a head of at most 40 and a handful of segments", () => {
    const shelf = new SegmentShelf();
    let head = emptyHead;
    let largestHead = 0;
    let mostSegments = 0;
    for (const change of adds(1000)) {
      head = shelf.write(head, [change], options);
      largestHead = Math.max(largestHead, head.notifications.length);
      mostSegments = Math.max(mostSegments, head.segments.length);
    }
    expect(largestHead).toBeLessThanOrEqual(40);
    expect(mostSegments).toBeLessThanOrEqual(12);
    expect(new Set(head.segments.map((ref) => ref.level))).toEqual(new Set([0, 1, 2]));
    expect(Math.max(...head.segments.map((ref) => ref.count))).toBeLessThanOrEqual(500);
    // Compacted segments were deleted once unreferenced: storage holds what the head references.
    expect([...shelf.segments.keys()].sort()).toEqual(head.segments.map((r) => r.key).sort());
    expect(shelf.shown(head, 1000)).toEqual(idsDescending(1000, 4));
  });

  it("rewrites a value of the single-object layout (one head of 1000) at its first write", () => {
    const legacy: InboxHead = {
      ...emptyHead,
      notifications: adds(1000)
        .map((c) => (c.kind === "add" ? c.notification : stored("")))
        .reverse(),
    };
    const shelf = new SegmentShelf();
    const head = shelf.write(legacy, [], options);
    expect(head.notifications).toHaveLength(20);
    expect(head.segments.length).toBeGreaterThan(1);
    expect(shelf.shown(head, 1000)).toEqual(idsDescending(1000, 4));
  });
});

describe("upkeep: retention", () => {
  it("ages out whole segments, then marks part of the oldest: exactly the newest `retention` show", () => {
    const shelf = new SegmentShelf();
    const small = { retention: 100, headLimit: 10 };
    let head = emptyHead;
    for (const change of adds(1000)) {
      head = shelf.write(head, [change], small);
      const shown = shelf.shown(head, 100);
      expect(shown).toEqual(shown.slice().sort().reverse());
    }
    expect(shelf.shown(head, 100)).toEqual(idsDescending(1000, 4).slice(0, 100));
    expect(head.agedOutUpTo > "0800").toBe(true);
    expect(head.segments.some((ref) => ref.agedOut > 0)).toBe(true);
    // Aged-out segments were deleted: storage holds the referenced ones only.
    expect(shelf.segments.size).toBe(head.segments.length);
  });

  it("with a retention within the head limit, keeps the newest in the head alone (ids 0000..2000 keep 2000..1001)", () => {
    const shelf = new SegmentShelf();
    const zeroTo2000 = Array.from({ length: 2001 }, (_, i) => add(String(i).padStart(4, "0")));
    const head = shelf.build(zeroTo2000, { retention: 1000, headLimit: 1001 });
    expect(head.segments).toEqual([]);
    expect(ids(head)).toHaveLength(1000);
    expect(ids(head)[0]).toBe("2000");
    expect(ids(head).at(-1)).toBe("1001");
  });
});

describe("upkeep: what it reads", () => {
  it("asks for the segments a delete-all's mark sits under, and tombstones what they hold above it", () => {
    const above = describeSegment("k-above", 0, [stored("7"), stored("5"), stored("3")]);
    const head: InboxHead = { ...emptyHead, notifications: [stored("9")], segments: [above] };
    const clear: InboxChange[] = [{ kind: "clear", upTo: "4" }];
    const next = { ...head, notifications: [], deletedIds: new Set(["9"]), clearedUpTo: "4" };
    const first = upkeep(head, next, clear, new Map(), options, newKey);
    expect(first).toEqual({ kind: "need", keys: ["k-above"] });
    const content = new Map([["k-above", [stored("7"), stored("5"), stored("3")]]]);
    const plan = upkeep(head, next, clear, content, options, newKey);
    if (plan.kind !== "ready") throw new Error("all was read");
    expect([...plan.head.deletedIds].sort()).toEqual(["5", "7", "9"]);
  });

  it("settles the head: what a segment holds leaves it, other ids in its range join it", () => {
    const sealed = describeSegment("k-sealed", 0, [stored("4"), stored("3"), stored("2")]);
    const head: InboxHead = {
      ...emptyHead,
      notifications: [stored("5"), stored("3"), stored("25")],
      segments: [sealed],
    };
    const content = new Map([["k-sealed", [stored("4"), stored("3"), stored("2")]]]);
    expect(upkeep(head, head, [], new Map(), options, newKey)).toEqual({
      kind: "need",
      keys: ["k-sealed"],
    });
    const plan = upkeep(head, head, [], content, options, newKey);
    if (plan.kind !== "ready") throw new Error("all was read");
    // 3 was sealed already (a sibling from before the seal); 25 (a clock behind) joins the segment.
    expect(ids(plan.head)).toEqual(["5"]);
    expect(plan.write.map((s) => s.notifications.map((n) => n.id))).toEqual([
      ["4", "3", "25", "2"],
    ]);
    expect(plan.head.segments).toMatchObject([{ replaces: ["k-sealed"], count: 4 }]);
    expect(plan.drop).toEqual(["k-sealed"]);
  });

  it("merges segments whose ranges meet (concurrent seals) into disjoint ones, each id once", () => {
    const a = describeSegment("k-a", 0, [stored("6"), stored("4"), stored("2")]);
    const b = describeSegment("k-b", 0, [stored("5"), stored("4"), stored("3")]);
    const c = describeSegment("k-c", 0, [stored("1")]);
    const head: InboxHead = { ...emptyHead, notifications: [stored("9")], segments: [a, b, c] };
    const content = new Map([
      ["k-a", [stored("6"), stored("4"), stored("2")]],
      ["k-b", [stored("5"), stored("4"), stored("3")]],
      ["k-c", [stored("1")]],
    ]);
    const plan = upkeep(head, head, [], content, options, newKey);
    if (plan.kind !== "ready") throw new Error("all was read");
    const [merged, untouched] = plan.head.segments;
    expect(merged).toMatchObject({
      newestId: "6",
      oldestId: "2",
      count: 5,
      replaces: ["k-a", "k-b"],
    });
    expect(untouched?.key).toBe("k-c");
    expect(plan.write.map((s) => s.notifications.map((n) => n.id))).toEqual([
      ["6", "5", "4", "3", "2"],
    ]);
    expect([...plan.drop].sort()).toEqual(["k-a", "k-b"]);
  });

  it("leaves a segment storage no longer holds out of merges, and keeps what it cannot prove sealed", () => {
    const gone = describeSegment("k-gone", 0, [stored("4"), stored("2")]);
    const head: InboxHead = { ...emptyHead, notifications: [stored("3")], segments: [gone] };
    const plan = upkeep(head, head, [], new Map([["k-gone", null]]), options, newKey);
    if (plan.kind !== "ready") throw new Error("all was read");
    expect(ids(plan.head)).toEqual(["3"]);
    expect(plan.head.segments).toEqual([gone]);
  });
});
