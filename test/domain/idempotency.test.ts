import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  findByIdempotencyKey,
  idempotencyLosers,
  idempotentOutcome,
  isRepeatedCreate,
} from "../../src/domain/idempotency.js";
import { applyChanges, type InboxChange } from "../../src/domain/inbox-changes.js";
import { emptyHead, type InboxHead, mergeHeads } from "../../src/domain/inbox-head.js";
import type { StoredNotification } from "../../src/domain/notification.js";
import { stored } from "./fixtures.js";

const hour = 3_600_000;
const window = 24 * hour;

/** A copy carrying an idempotency key. */
const keyed = (id: string, key: string, createdAt: number, fingerprint = "f"): StoredNotification =>
  stored(id, { createdAt, idempotency: { key, fingerprint } });

describe("idempotency rules", () => {
  it("finds the copy with the key within the window only", () => {
    const list = [keyed("3", "p:a", 10 * hour), keyed("2", "p:b", 9 * hour), stored("1")];
    expect(findByIdempotencyKey(list, "p:a", 9 * hour)?.id).toBe("3");
    expect(findByIdempotencyKey(list, "p:a", 11 * hour)).toBeUndefined();
    expect(findByIdempotencyKey(list, "p:c", 0)).toBeUndefined();
  });

  it("an add of a key a copy within the window carries writes nothing; past the window it adds", () => {
    const first = applyChanges(
      emptyHead,
      [{ kind: "add", notification: keyed("1", "p:a", 0) }],
      10,
    );
    const retry: InboxChange = {
      kind: "add",
      notification: keyed("2", "p:a", hour),
      since: hour - window,
    };
    expect(applyChanges(first, [retry], 10)).toBe(first);
    const late: InboxChange = {
      kind: "add",
      notification: keyed("3", "p:a", 2 * window),
      since: window,
    };
    expect(applyChanges(first, [late], 10).notifications.map((n) => n.id)).toEqual(["3", "1"]);
    // Two adds of one key in one batch: the first stays.
    const batch = applyChanges(
      emptyHead,
      [retry, { ...retry, notification: keyed("4", "p:a", hour) }],
      10,
    );
    expect(batch.notifications.map((n) => n.id)).toEqual(["2"]);
    expect(isRepeatedCreate(batch.notifications, keyed("4", "p:a", hour), 0)).toBe(true);
  });

  it("tells created, replayed and conflicting creates apart", () => {
    const winner = keyed("1", "p:a", 0, "same");
    const mine = keyed("2", "p:a", 0, "same") as StoredNotification & {
      idempotency: { key: string; fingerprint: string };
    };
    expect(idempotentOutcome([mine], mine, 0)).toEqual({ kind: "created" });
    expect(idempotentOutcome([winner], mine, 0)).toEqual({
      kind: "replayed",
      notification: winner,
    });
    const other = { ...mine, idempotency: { key: "p:a", fingerprint: "other" } };
    expect(idempotentOutcome([winner], other, 0)).toEqual({
      kind: "conflict",
      notification: winner,
    });
    // Aged out at once: its write happened.
    expect(idempotentOutcome([], mine, 0)).toEqual({ kind: "created" });
  });

  it("of copies with one key, those within the window of an earlier one lose", () => {
    const copies = [
      keyed("4", "p:a", 3 * hour),
      keyed("2", "p:a", hour),
      keyed("9", "p:a", 3 * window),
      keyed("3", "p:b", hour),
      stored("5"),
    ];
    expect(idempotencyLosers(copies, window).sort()).toEqual(["4"]);
  });

  it("a merge of racing siblings keeps the least id and tombstones the others", () => {
    const a = applyChanges(emptyHead, [{ kind: "add", notification: keyed("7", "p:a", 0) }], 10);
    const b = applyChanges(emptyHead, [{ kind: "add", notification: keyed("5", "p:a", 5) }], 10);
    const merged = mergeHeads([a, b], 10);
    expect(merged.notifications.map((n) => n.id)).toEqual(["5"]);
    expect([...merged.deletedIds]).toEqual(["7"]);
    // A stale sibling holding only the loser cannot bring it back.
    expect(mergeHeads([merged, a], 10).notifications.map((n) => n.id)).toEqual(["5"]);
  });
});

// The merge laws with idempotent copies in the siblings: an id always names
// the same notification, with a key and a time fixed by the id, all within
// one window of each other (racing retries are seconds apart). The bounded
// case (docs/riak.md, "Idempotent creates"): a copy that would win deleted
// by a sibling that never saw the copies it beats. Merging with it in one
// order tombstones them, in another they outlive it; either way at most one
// copy of the key remains.
const runs = { numRuns: 500 };
const idNumber = fc.integer({ min: 1, max: 18 });
const copy = (n: number): StoredNotification => {
  const id = String(n).padStart(2, "0");
  return n % 3 === 0 ? stored(id) : keyed(id, `p:${n % 4}`, (n % 5) * hour);
};
const change: fc.Arbitrary<InboxChange> = fc.oneof(
  { weight: 6, arbitrary: idNumber.map((n) => ({ kind: "add" as const, notification: copy(n) })) },
  {
    weight: 2,
    arbitrary: fc
      .array(idNumber, { minLength: 1, maxLength: 3 })
      .map((ns) => ({ kind: "delete" as const, ids: ns.map((n) => String(n).padStart(2, "0")) })),
  },
);
const sibling: fc.Arbitrary<InboxHead> = fc
  .array(change, { maxLength: 10 })
  .map((changes) => applyChanges(emptyHead, changes, 100));
const plain = (list: InboxHead) => ({
  ids: list.notifications.map((n) => n.id),
  deleted: [...list.deletedIds].sort(),
});

/** False when a sibling deleted the least id of a key that another sibling's copy carries. */
function winnersStand(siblings: readonly InboxHead[]): boolean {
  const least = new Map<string, string>();
  for (const n of siblings.flatMap((s) => s.notifications)) {
    const key = n.idempotency?.key;
    if (key !== undefined && (least.get(key) ?? "~") > n.id) least.set(key, n.id);
  }
  const copiesOf = (id: string) => copy(Number(id));
  return siblings.every((s) =>
    [...s.deletedIds].every((id) => {
      const key = copiesOf(id).idempotency?.key;
      return key === undefined || least.get(key) === undefined || least.get(key) !== id;
    }),
  );
}

describe("mergeHeads with idempotent copies", () => {
  it("leaves at most one copy per key, whatever the siblings", () => {
    fc.assert(
      fc.property(sibling, sibling, sibling, (a, b, c) => {
        for (const merged of [
          mergeHeads([a, b, c], 100),
          mergeHeads([mergeHeads([a, b], 100), c], 100),
        ]) {
          const keys = merged.notifications.flatMap((n) =>
            n.idempotency ? [n.idempotency.key] : [],
          );
          expect(new Set(keys).size).toBe(keys.length);
        }
      }),
      runs,
    );
  });

  it("is commutative, associative and idempotent while no sibling deleted a winner unseen", () => {
    fc.assert(
      fc.property(sibling, sibling, sibling, (a, b, c) => {
        fc.pre(winnersStand([a, b, c]));
        const flat = mergeHeads([a, b, c], 100);
        for (const merged of [
          mergeHeads([c, a, b], 100),
          mergeHeads([mergeHeads([a, b], 100), c], 100),
          mergeHeads([a, mergeHeads([c, b], 100)], 100),
          mergeHeads([flat, a, flat], 100),
        ]) {
          expect(plain(merged)).toEqual(plain(flat));
        }
      }),
      runs,
    );
  });
});
