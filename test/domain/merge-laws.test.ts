import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Cursor, mergeCursors } from "../../src/domain/cursor.js";
import type { InboxChange } from "../../src/domain/inbox-changes.js";
import { emptyHead, type InboxHead, mergeHeads } from "../../src/domain/inbox-head.js";
import type { Rule } from "../../src/domain/rule.js";
import { mergeRuleEntries, type RuleEntries, type RuleEntry } from "../../src/domain/rule-set.js";
import { rangesMeet } from "../../src/domain/segment-ref.js";
import { stored } from "./fixtures.js";
import { SegmentShelf } from "./inbox-simulator.js";

// The merge laws of docs/storage.md ("Merging heads"), over generated
// siblings of one inbox: any instance may merge any siblings in any order,
// any number of times, and reach the same head and show the same
// notifications, and what was deleted stays deleted. Siblings are written
// as instances write them: from one shared history, each with changes of its
// own, over one store of segments, with a small head limit and retention so
// that they seal, compact, merge overlapping segments and age out, and a
// sibling's write deletes segments the others still reference. The bounded
// case of docs/riak.md is stated as it holds: a deletion holds while the
// tombstones above the mark fit the bound. Ids come from a small range so
// that siblings share many of them; an id always names the same notification.

const runs = { numRuns: 300 };
const id = fc.integer({ min: 1, max: 60 }).map((n) => String(n).padStart(2, "0"));
const settings = fc.record({
  retention: fc.integer({ min: 3, max: 14 }),
  headLimit: fc.integer({ min: 2, max: 6 }),
});

const change: fc.Arbitrary<InboxChange> = fc.oneof(
  { weight: 8, arbitrary: id.map((i) => ({ kind: "add" as const, notification: stored(i) })) },
  {
    weight: 2,
    arbitrary: fc
      .array(id, { minLength: 1, maxLength: 3 })
      .map((ids) => ({ kind: "delete" as const, ids })),
  },
  { weight: 1, arbitrary: id.map((upTo) => ({ kind: "clear" as const, upTo })) },
);
const changes = (max: number) => fc.array(change, { maxLength: max });

interface Case {
  readonly shelf: SegmentShelf;
  readonly retention: number;
  readonly siblings: readonly [InboxHead, InboxHead, InboxHead];
  /** Every id any write added. */
  readonly added: ReadonlySet<string>;
}

/** Three siblings written from one shared history over one store of segments. */
const siblings: fc.Arbitrary<Case> = fc
  .tuple(settings, changes(40), changes(20), changes(20), changes(20))
  .map(([options, shared, ...own]) => {
    const shelf = new SegmentShelf();
    const base = shelf.build(shared, options);
    const [a, b, c] = own.map((mine) => shelf.build(mine, options, base)) as [
      InboxHead,
      InboxHead,
      InboxHead,
    ];
    const added = new Set(
      [shared, ...own].flat().flatMap((ch) => (ch.kind === "add" ? [ch.notification.id] : [])),
    );
    return { shelf, retention: options.retention, siblings: [a, b, c], added };
  });

/** A head as compared: its notifications, tombstones, marks and references. */
const plain = (head: InboxHead) => ({
  ids: head.notifications.map((n) => n.id),
  deleted: [...head.deletedIds].sort(),
  marks: [head.clearedUpTo, head.agedOutUpTo],
  segments: head.segments.map((ref) => [ref.key, ref.agedOut]),
});

/** The orders of three siblings other than `a, b, c`. */
const otherOrders = <T>(a: T, b: T, c: T): T[][] => [
  [a, c, b],
  [b, a, c],
  [b, c, a],
  [c, a, b],
  [c, b, a],
];

/** Every way of merging three siblings: at once, and two then the third. */
function groupings({ retention, siblings: [a, b, c] }: Case) {
  const merge = (...heads: InboxHead[]) => mergeHeads(heads, retention);
  return {
    flat: merge(a, b, c),
    left: merge(merge(a, b), c),
    right: merge(a, merge(b, c)),
    skipping: merge(merge(a, c), b),
  };
}

/** Ids a sibling says are deleted: its tombstones, and everything at or below its delete-all mark. */
const deletedBy = (heads: readonly InboxHead[], listed: string) =>
  heads.some((h) => h.deletedIds.has(listed) || listed <= h.clearedUpTo);

/** True when the siblings hold at most `limit` tombstones above the greatest mark between them. */
function tombstonesKept(limit: number, heads: readonly InboxHead[]): boolean {
  const floor = heads
    .flatMap((h) => [h.clearedUpTo, h.agedOutUpTo])
    .reduce((x, y) => (x > y ? x : y), "");
  const tombstones = new Set(heads.flatMap((h) => [...h.deletedIds]));
  return [...tombstones].filter((t) => t > floor).length <= limit;
}

describe("mergeHeads with segments", () => {
  it("is commutative: heads and what they show", () => {
    fc.assert(
      fc.property(siblings, (t) => {
        const [a, b, c] = t.siblings;
        const abc = mergeHeads([a, b, c], t.retention);
        for (const order of otherOrders(a, b, c)) {
          const merged = mergeHeads(order, t.retention);
          expect(plain(merged)).toEqual(plain(abc));
          expect(t.shelf.shown(merged, t.retention)).toEqual(t.shelf.shown(abc, t.retention));
        }
      }),
      runs,
    );
  });

  it("is idempotent: a sibling twice is the sibling once, and a merge merges to itself", () => {
    fc.assert(
      fc.property(siblings, ({ retention, siblings: [a, b] }) => {
        const merged = mergeHeads([a, b], retention);
        expect(plain(mergeHeads([a, a, b, a], retention))).toEqual(plain(merged));
        expect(plain(mergeHeads([merged], retention))).toEqual(plain(merged));
        expect(plain(mergeHeads([merged, a, b], retention))).toEqual(plain(merged));
      }),
      runs,
    );
  });

  it("is associative while the tombstones fit their bound: heads and what they show", () => {
    fc.assert(
      fc.property(siblings, (t) => {
        fc.pre(tombstonesKept(t.retention, t.siblings));
        const { flat, ...nested } = groupings(t);
        for (const merged of Object.values(nested)) {
          expect(plain(merged)).toEqual(plain(flat));
          expect(t.shelf.shown(merged, t.retention)).toEqual(t.shelf.shown(flat, t.retention));
        }
      }),
      runs,
    );
  });

  it("never shows an id at or below a delete-all mark, nor one deleted while tombstones fit", () => {
    let overlapping = 0;
    fc.assert(
      fc.property(siblings, (t) => {
        const refs = t.siblings.flatMap((h) => h.segments);
        if (
          refs.some((x, i) => refs.some((y, j) => i !== j && x.key !== y.key && rangesMeet(x, y)))
        ) {
          overlapping++;
        }
        const kept = tombstonesKept(t.retention, t.siblings);
        for (const merged of Object.values(groupings(t))) {
          const shown = t.shelf.shown(merged, t.retention);
          expect(new Set(shown).size).toBe(shown.length);
          for (const listed of shown) {
            expect(t.added.has(listed)).toBe(true);
            if (kept) expect(deletedBy(t.siblings, listed)).toBe(false);
            else expect(t.siblings.some((h) => listed <= h.clearedUpTo)).toBe(false);
          }
        }
      }),
      runs,
    );
    // The siblings' segments overlapped in many runs: concurrent seals were exercised.
    expect(overlapping).toBeGreaterThan(runs.numRuns / 10);
  });

  it("loses nothing live but what aged out: a live id not shown has `retention` newer ones", () => {
    fc.assert(
      fc.property(siblings, (t) => {
        const live = [...t.added].filter(
          (added) => !t.shelf.tombstonedEver.has(added) && !deletedBy(t.siblings, added),
        );
        for (const merged of Object.values(groupings(t))) {
          const shown = new Set(t.shelf.shown(merged, t.retention));
          for (const missing of live.filter((l) => !shown.has(l))) {
            expect([...t.added].filter((k) => k > missing).length).toBeGreaterThanOrEqual(
              t.retention,
            );
          }
        }
      }),
      runs,
    );
  });

  it("a head a write left reads back as itself (what the recent-values cache relies on)", () => {
    fc.assert(
      fc.property(siblings, ({ retention, siblings: [written] }) => {
        expect(plain(mergeHeads([written], retention))).toEqual(plain(written));
      }),
      runs,
    );
  });

  it("the empty head is the identity", () => {
    fc.assert(
      fc.property(siblings, ({ retention, siblings: [a] }) => {
        expect(plain(mergeHeads([a, emptyHead], retention))).toEqual(plain(a));
      }),
      runs,
    );
  });
});

const cursor: fc.Arbitrary<Cursor> = fc.record({
  value: fc.option(id, { nil: "" }),
  previous: fc.option(id, { nil: "" }),
});

describe("mergeCursors", () => {
  it("is commutative, associative and idempotent, and never moves back", () => {
    fc.assert(
      fc.property(cursor, cursor, cursor, (a, b, c) => {
        const abc = mergeCursors([a, b, c]);
        expect(mergeCursors([c, a, b])).toEqual(abc);
        expect(mergeCursors([b, c, a])).toEqual(abc);
        expect(mergeCursors([mergeCursors([a, b]) ?? a, c])).toEqual(abc);
        expect(mergeCursors([a, mergeCursors([b, c]) ?? b])).toEqual(abc);
        expect(mergeCursors([a, a, b, c, c])).toEqual(abc);
        expect(mergeCursors([a, a])).toEqual(a);
        for (const sibling of [a, b, c]) expect(abc && abc.value >= sibling.value).toBe(true);
      }),
      runs,
    );
  });
});

const rules: readonly (Rule | undefined)[] = [
  undefined,
  { maxSize: 3 },
  { maxSize: 9 },
  { matchOn: "post_id" },
  { maxSize: 3, matchOn: "post_id" },
];
const ruleEntry: fc.Arbitrary<RuleEntry> = fc.record({
  version: fc.constantFrom("1", "2", "3"),
  rule: fc.constantFrom(...rules),
});
const ruleEntries: fc.Arbitrary<RuleEntries> = fc
  .uniqueArray(fc.tuple(fc.constantFrom("like", "follow", "share"), ruleEntry), {
    selector: ([category]) => category,
    maxLength: 3,
  })
  .map((entries) => new Map(entries));

/** Entries as compared: by category, each version and rule. */
const plainEntries = (entries: RuleEntries) =>
  [...entries].sort(([x], [y]) => (x < y ? -1 : 1)).map(([c, e]) => [c, e.version, e.rule]);

describe("mergeRuleEntries", () => {
  it("is commutative, associative and idempotent", () => {
    fc.assert(
      fc.property(ruleEntries, ruleEntries, ruleEntries, (a, b, c) => {
        const abc = plainEntries(mergeRuleEntries([a, b, c]));
        for (const order of otherOrders(a, b, c)) {
          expect(plainEntries(mergeRuleEntries(order))).toEqual(abc);
        }
        expect(plainEntries(mergeRuleEntries([mergeRuleEntries([a, b]), c]))).toEqual(abc);
        expect(plainEntries(mergeRuleEntries([a, mergeRuleEntries([b, c])]))).toEqual(abc);
        expect(plainEntries(mergeRuleEntries([a, a, b, c, c]))).toEqual(abc);
      }),
      runs,
    );
  });

  it("never brings back a rule deleted by the greatest version of its category", () => {
    fc.assert(
      fc.property(ruleEntries, ruleEntries, ruleEntries, (a, b, c) => {
        const merged = mergeRuleEntries([a, b, c]);
        for (const sibling of [a, b, c]) {
          for (const [category, entry] of sibling) {
            const kept = merged.get(category);
            expect(kept && kept.version >= entry.version).toBe(true);
            if (entry.rule === undefined && kept?.version === entry.version) {
              expect(kept.rule).toBeUndefined();
            }
          }
        }
      }),
      runs,
    );
  });
});
