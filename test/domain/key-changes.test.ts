import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyChanges } from "../../src/domain/inbox-changes.js";
import { emptyHead, mergeHeads } from "../../src/domain/inbox-head.js";
import {
  addKeyEdit,
  applyKeyEdits,
  isDeletedByKey,
  type KeyEdits,
  mergeKeyDeletes,
  mergeKeyEdits,
} from "../../src/domain/key-changes.js";
import { decodeHead, encodeHead } from "../../src/storage/head-codec.js";
import { stored } from "./fixtures.js";

const copy = (id: string, key = "k") =>
  stored(id, { key, message: "original", properties: { a: "1", b: "2" } });

describe("changes by key", () => {
  it("an update applies to copies older than it, field by field", () => {
    let edits: KeyEdits = new Map();
    edits = addKeyEdit(edits, "k", { message: "m1", set: { c: "3" }, remove: ["a"] }, "20");
    edits = addKeyEdit(edits, "k", { message: undefined, set: { a: "again" }, remove: [] }, "30");
    expect(applyKeyEdits(copy("10"), edits)).toMatchObject({
      message: "m1",
      properties: { a: "again", b: "2", c: "3" },
    });
    // Created between the two updates: only the later one applies.
    expect(applyKeyEdits(copy("25"), edits)).toMatchObject({
      message: "original",
      properties: { a: "again", b: "2" },
    });
    const newer = copy("40");
    expect(applyKeyEdits(newer, edits)).toBe(newer);
    const other = copy("10", "other");
    expect(applyKeyEdits(other, edits)).toBe(other);
  });

  it("a delete covers the copies at or below its id", () => {
    const deletes = mergeKeyDeletes([new Map([["k", "20"]]), new Map([["k", "15"]])]);
    expect(deletes.get("k")).toBe("20");
    expect(isDeletedByKey(copy("20"), deletes)).toBe(true);
    expect(isDeletedByKey(copy("21"), deletes)).toBe(false);
    expect(isDeletedByKey(stored("10"), deletes)).toBe(false);
  });

  it("a stale sibling's copy takes the update and the delete when merged; both survive the codec", () => {
    const base = applyChanges(
      emptyHead,
      [
        { kind: "add", notification: copy("10") },
        { kind: "add", notification: copy("11", "gone") },
      ],
      10,
    );
    const changed = applyChanges(
      base,
      [
        {
          kind: "updateByKey",
          key: "k",
          patch: { message: "new", set: {}, remove: ["b"] },
          version: "50",
        },
        { kind: "deleteByKey", key: "gone", upTo: "50", ids: [] },
      ],
      10,
    );
    const decoded = decodeHead(encodeHead(changed));
    expect(decoded.keyEdits).toEqual(changed.keyEdits);
    expect(decoded.keyDeletes).toEqual(changed.keyDeletes);
    // The copy the list held is tombstoned too, so a resume reports it deleted.
    expect([...changed.deletedIds]).toEqual(["11"]);
    const merged = mergeHeads([decoded, base], 10);
    expect(merged.notifications.map((n) => [n.id, n.message, n.properties])).toEqual([
      ["10", "new", { a: "1" }],
    ]);
  });

  const field = fc.record({
    version: fc.integer({ min: 10, max: 40 }).map(String),
    message: fc.option(fc.constantFrom("x", "y"), { nil: undefined }),
    set: fc.dictionary(fc.constantFrom("a", "b", "c"), fc.constantFrom("1", "2")),
    remove: fc.uniqueArray(fc.constantFrom("a", "b", "c"), { maxLength: 2 }),
  });
  const edits = fc
    .array(fc.tuple(fc.constantFrom("k", "j"), field), { maxLength: 4 })
    .map((list) =>
      list.reduce<KeyEdits>(
        (acc, [key, f]) =>
          addKeyEdit(acc, key, { message: f.message, set: f.set, remove: f.remove }, f.version),
        new Map(),
      ),
    );
  const view = (e: KeyEdits) =>
    ["05", "15", "25", "35"]
      .map((id) => applyKeyEdits(copy(id), e))
      .map((n) => [n.message, n.properties]);

  it("merging updates is commutative, associative and idempotent (as the copies see them)", () => {
    fc.assert(
      fc.property(edits, edits, edits, (a, b, c) => {
        const flat = view(mergeKeyEdits([a, b, c]));
        expect(view(mergeKeyEdits([c, b, a]))).toEqual(flat);
        expect(view(mergeKeyEdits([mergeKeyEdits([a, b]), c]))).toEqual(flat);
        expect(view(mergeKeyEdits([a, mergeKeyEdits([b, c]), a]))).toEqual(flat);
      }),
      { numRuns: 500 },
    );
  });
});
