import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Cursor, mergeCursors } from "../../src/domain/cursor.js";
import {
  applyChanges,
  emptyList,
  type ListChange,
  mergeLists,
  type NotificationList,
} from "../../src/domain/notification-list.js";
import type { Rule } from "../../src/domain/rule.js";
import { mergeRuleEntries, type RuleEntries, type RuleEntry } from "../../src/domain/rule-set.js";
import { stored } from "./fixtures.js";

// The merge laws of docs/riak.md ("Why this is safe"), over generated
// siblings: any instance may merge any siblings in any order, any number of
// times, and reach the same value, and what was deleted stays deleted. The
// two bounded cases it names are stated as they hold: retention makes merges
// in steps differ only in what aged out on the way, and a deletion holds
// while the tombstones above the mark fit the bound. Ids come from a small
// range so that siblings share many of them; an id always names the same
// notification (ids are unique per create).

const runs = { numRuns: 1000 };
const id = fc.integer({ min: 1, max: 24 }).map((n) => String(n).padStart(2, "0"));
const retention = fc.integer({ min: 1, max: 6 });

const change: fc.Arbitrary<ListChange> = fc.oneof(
  { weight: 6, arbitrary: id.map((i) => ({ kind: "add" as const, notification: stored(i) })) },
  {
    weight: 3,
    arbitrary: fc
      .array(id, { minLength: 1, maxLength: 4 })
      .map((ids) => ({ kind: "delete" as const, ids })),
  },
  { weight: 1, arbitrary: id.map((upTo) => ({ kind: "clear" as const, upTo })) },
);
const changes = fc.array(change, { maxLength: 12 });

/** A sibling as the service writes it: a shared history, then changes of its own. */
const written = (keep: number): fc.Arbitrary<NotificationList> =>
  fc
    .tuple(changes, changes)
    .map(([shared, own]) => applyChanges(applyChanges(emptyList, shared, keep), own, keep));

/** A sibling as decoded, not normalized (the predecessor kept deleted notifications). */
const decoded: fc.Arbitrary<NotificationList> = fc.record({
  notifications: fc.uniqueArray(id, { maxLength: 8 }).map((ids) => ids.map((i) => stored(i))),
  deletedIds: fc.uniqueArray(id, { maxLength: 6 }).map((ids) => new Set(ids)),
  clearedUpTo: fc.option(id, { nil: "" }),
});

const sibling = (keep: number) => fc.oneof({ weight: 3, arbitrary: written(keep) }, decoded);

/** Retention and three siblings. */
const three = retention.chain((keep) =>
  fc.tuple(fc.constant(keep), sibling(keep), sibling(keep), sibling(keep)),
);

/** A list as compared: its ids newest first, its tombstones sorted, its mark. */
const plain = (list: NotificationList) => ({
  ids: list.notifications.map((n) => n.id),
  deleted: [...list.deletedIds].sort(),
  mark: list.clearedUpTo,
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
function groupings(keep: number, a: NotificationList, b: NotificationList, c: NotificationList) {
  const merge = (...siblings: NotificationList[]) => mergeLists(siblings, keep);
  return {
    flat: merge(a, b, c),
    left: merge(merge(a, b), c),
    right: merge(a, merge(b, c)),
    skipping: merge(merge(a, c), b),
  };
}

/** Ids a sibling says are deleted: its tombstones, and everything at or below its mark. */
const deletedBy = (siblings: readonly NotificationList[], listed: string) =>
  siblings.some((s) => s.deletedIds.has(listed) || listed <= s.clearedUpTo);

/**
 * True when the siblings hold at most `keep` tombstones above the greatest
 * mark between them: within the documented bound (docs/riak.md, "Tombstones
 * are bounded"), beyond which the oldest deletions are forgotten.
 */
function tombstonesKept(keep: number, siblings: readonly NotificationList[]): boolean {
  const mark = siblings.map((s) => s.clearedUpTo).reduce((x, y) => (x > y ? x : y), "");
  const tombstones = new Set(siblings.flatMap((s) => [...s.deletedIds]));
  return [...tombstones].filter((t) => t > mark).length <= keep;
}

describe("mergeLists", () => {
  it("is commutative", () => {
    fc.assert(
      fc.property(three, ([keep, a, b, c]) => {
        const abc = plain(mergeLists([a, b, c], keep));
        for (const order of otherOrders(a, b, c)) {
          expect(plain(mergeLists(order, keep))).toEqual(abc);
        }
      }),
      runs,
    );
  });

  it("is idempotent: a sibling twice is the sibling once, and a merge merges to itself", () => {
    fc.assert(
      fc.property(three, ([keep, a, b]) => {
        expect(plain(mergeLists([a, a, b, a], keep))).toEqual(plain(mergeLists([a, b], keep)));
        const merged = mergeLists([a, b], keep);
        expect(plain(mergeLists([merged], keep))).toEqual(plain(merged));
        expect(plain(mergeLists([merged, a, b], keep))).toEqual(plain(merged));
      }),
      runs,
    );
  });

  it("is associative while retention does not bind", () => {
    fc.assert(
      fc.property(three, ([keep, a, b, c]) => {
        const ids = new Set([a, b, c].flatMap((s) => s.notifications.map((n) => n.id)));
        fc.pre(ids.size <= keep && tombstonesKept(keep, [a, b, c]));
        const { flat, ...nested } = groupings(keep, a, b, c);
        for (const merged of Object.values(nested)) expect(plain(merged)).toEqual(plain(flat));
      }),
      runs,
    );
  });

  it("under retention, groupings differ only in what aged out on the way", () => {
    fc.assert(
      fc.property(three, ([keep, a, b, c]) => {
        const siblings = [a, b, c];
        fc.pre(tombstonesKept(keep, siblings));
        const known = new Set(siblings.flatMap((s) => s.notifications.map((n) => n.id)));
        const live = [...known].filter((k) => !deletedBy(siblings, k));
        const all = groupings(keep, a, b, c);
        for (const merged of Object.values(all)) {
          // Tombstones and the mark agree exactly.
          expect(plain(merged).deleted).toEqual(plain(all.flat).deleted);
          expect(merged.clearedUpTo).toBe(all.flat.clearedUpTo);
          const ids = merged.notifications.map((n) => n.id);
          for (const listed of ids) expect(live).toContain(listed);
          // A live notification left out aged out: `keep` newer ones existed.
          for (const missing of live.filter((l) => !ids.includes(l))) {
            expect([...known].filter((k) => k > missing).length).toBeGreaterThanOrEqual(keep);
          }
        }
      }),
      runs,
    );
  });

  it("never brings back an id at or below any sibling's delete-all mark", () => {
    fc.assert(
      fc.property(three, ([keep, a, b, c]) => {
        const mark = [a, b, c].map((s) => s.clearedUpTo).reduce((x, y) => (x > y ? x : y));
        for (const merged of Object.values(groupings(keep, a, b, c))) {
          for (const n of merged.notifications) expect(n.id > mark).toBe(true);
        }
      }),
      runs,
    );
  });

  it("never brings back a deleted id while at most `retention` tombstones are above the mark", () => {
    fc.assert(
      fc.property(three, ([keep, a, b, c]) => {
        const siblings = [a, b, c];
        fc.pre(tombstonesKept(keep, siblings));
        for (const merged of Object.values(groupings(keep, a, b, c))) {
          for (const n of merged.notifications) expect(deletedBy(siblings, n.id)).toBe(false);
        }
      }),
      runs,
    );
  });

  it("a list a change wrote reads back as itself (what the recent-values cache relies on)", () => {
    fc.assert(
      fc.property(retention, changes, changes, (keep, before, after) => {
        const written = applyChanges(applyChanges(emptyList, before, keep), after, keep);
        expect(plain(mergeLists([written], keep))).toEqual(plain(written));
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
