import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildInbox } from "../../src/domain/inbox.js";
import { emptyHead, mergeHeads } from "../../src/domain/inbox-head.js";
import {
  effectiveState,
  emptyState,
  type InboxState,
  mergeStates,
  type StateFlag,
} from "../../src/domain/inbox-state.js";
import type { StoredNotification } from "../../src/domain/notification.js";
import {
  inboxView,
  matches,
  type NotificationFilter,
  type NotificationState,
  normalizeFilter,
} from "../../src/domain/notification-filter.js";
import type { NotificationList } from "../../src/domain/notification-list.js";
import {
  applyStateChanges,
  type ListFacts,
  markAllBound,
  maxWatermarks,
  type StateChange,
} from "../../src/domain/state-changes.js";
import { stored } from "./fixtures.js";

// The state's merge laws (contract §7.6) and its meaning: what a sequence of
// changes leaves equals what applying each change to each notification in
// turn would leave, and a delete beats every state. Versions are two-digit
// strings, so "the later change" is the greater string, as with KSUIDs.

const runs = { numRuns: 500 };
const flags: readonly StateFlag[] = ["read", "archived"];
const categories = ["like", "comment", "mention"] as const;

/** Twelve notifications, ids "01".."12", newest first, of three categories and two posts. */
const notifications: StoredNotification[] = Array.from({ length: 12 }, (_, i) =>
  stored(String(12 - i).padStart(2, "0"), {
    category: categories[i % 3] ?? "like",
    properties: { post: i % 2 ? "a" : "b" },
  }),
);
const list: ListFacts = { notifications, deletedIds: new Set(), clearedUpTo: "" };
const retention = 100;

const id = fc.integer({ min: 1, max: 12 }).map((n) => String(n).padStart(2, "0"));
const flag = fc.constantFrom(...flags);
const filter: fc.Arbitrary<NotificationFilter> = fc
  .record({
    categories: fc.subarray([...categories], { maxLength: 2 }),
    read: fc.constantFrom("any" as const, "unread" as const, "read" as const),
    archived: fc.boolean(),
    properties: fc.oneof(fc.constant({}), fc.constantFrom({ post: "a" }, { post: "b" })),
  })
  .map(normalizeFilter);

/** A change without its version, which the sequence gives. */
type Step =
  | { kind: "mark"; flag: StateFlag; ids: string[]; value: boolean }
  | { kind: "mark-all"; flag: StateFlag; filter: NotificationFilter; upTo: string };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("mark" as const),
      flag,
      ids: fc.uniqueArray(id, { minLength: 1, maxLength: 4 }),
      value: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("mark-all" as const), flag, filter, upTo: id }),
  },
);

/** The steps as changes with increasing versions "v01", "v02", ... */
function versioned(steps: readonly Step[], from = 1, facts: ListFacts = list): StateChange[] {
  return steps.map((s, i) => ({
    ...s,
    version: `v${String(from + i).padStart(2, "0")}`,
    list: facts,
  }));
}

/** The meaning: each change applied to each notification in turn. */
function model(steps: readonly Step[]): Map<string, NotificationState> {
  const states = new Map(notifications.map((n) => [n.id, { read: false, archived: false }]));
  for (const s of steps) {
    for (const n of notifications) {
      const now = states.get(n.id) as NotificationState;
      const reached =
        s.kind === "mark" ? s.ids.includes(n.id) : n.id <= s.upTo && matches(s.filter, n, now);
      if (reached) states.set(n.id, { ...now, [s.flag]: s.kind === "mark" ? s.value : true });
    }
  }
  return states;
}

function statesOf(state: InboxState): Map<string, NotificationState> {
  return new Map(notifications.map((n) => [n.id, effectiveState(state, n)]));
}

/** A state as compared: marks by id sorted, watermarks in their canonical order. */
function plain(state: InboxState) {
  return {
    marks: [...state.marks].sort(([a], [b]) => (a < b ? -1 : 1)),
    watermarks: state.watermarks,
  };
}

/** A sibling as an instance writes it: a shared history, then changes of its own. */
const sibling = fc
  .tuple(fc.array(step, { maxLength: 6 }), fc.array(step, { maxLength: 6 }), fc.nat(40))
  .map(([shared, own, offset]) =>
    applyStateChanges(
      applyStateChanges(emptyState, versioned(shared), retention),
      versioned(own, 10 + offset),
      retention,
    ),
  );

describe("applyStateChanges means what the changes say", () => {
  it("leaves every notification as the changes, applied in turn, leave it", () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 16 }),
        fc.integer({ min: 1, max: 16 }),
        (steps, cut) => {
          // In one write or in two: batching does not change the outcome.
          const once = applyStateChanges(emptyState, versioned(steps), retention);
          const first = applyStateChanges(emptyState, versioned(steps.slice(0, cut)), retention);
          const twice = applyStateChanges(first, versioned(steps.slice(cut), cut + 1), retention);
          expect(statesOf(once)).toEqual(model(steps));
          expect(statesOf(twice)).toEqual(model(steps));
        },
      ),
      runs,
    );
  });

  it("a mark-all-read of the inbox view keeps what it read read when archived, and leaves the archived unread", () => {
    const [newest, archivedBefore] = notifications;
    const changes = versioned([
      { kind: "mark", flag: "archived", ids: [archivedBefore?.id ?? ""], value: true },
      { kind: "mark-all", flag: "read", filter: inboxView, upTo: newest?.id ?? "" },
      { kind: "mark", flag: "archived", ids: [newest?.id ?? ""], value: true },
      { kind: "mark", flag: "archived", ids: [archivedBefore?.id ?? ""], value: false },
    ]);
    const states = statesOf(applyStateChanges(emptyState, changes, retention));
    expect(states.get(newest?.id ?? "")).toEqual({ read: true, archived: true });
    expect(states.get(archivedBefore?.id ?? "")).toEqual({ read: false, archived: false });
  });

  it("a change supersedes what it read although its instance's clock is behind", () => {
    const ahead = applyStateChanges(
      emptyState,
      [
        {
          kind: "mark",
          flag: "read",
          ids: ["05"],
          value: true,
          version: "3MSDMaZFJru4jl5eZivcZ2xoxeW",
          list,
        },
      ],
      retention,
    );
    const behind = applyStateChanges(
      ahead,
      [
        {
          kind: "mark",
          flag: "read",
          ids: ["05"],
          value: false,
          version: "2MSDMaZFJru4jl5eZivcZ2xoxeW",
          list,
        },
      ],
      retention,
    );
    const mark = behind.marks.get("05")?.read;
    expect(mark?.value).toBe(false);
    expect(mark && mark.version > "3MSDMaZFJru4jl5eZivcZ2xoxeW").toBe(true);
  });

  it("a mark-all reaches no further than the newest id it read, nor its own fresh id", () => {
    expect(markAllBound(list, "99")).toBe("12");
    expect(markAllBound(list, "07")).toBe("07");
    expect(markAllBound({ ...list, notifications: [] }, "99")).toBe("");
  });

  it(`keeps at most ${maxWatermarks} watermarks per flag, folding older ones into marks by id`, () => {
    const steps: Step[] = Array.from({ length: maxWatermarks + 8 }, (_, i) => ({
      kind: "mark-all",
      flag: "read",
      // Filters none of which covers another: none supersedes another.
      filter: normalizeFilter({ ...inboxView, properties: { [`k${i}`]: "v", post: "a" } }),
      upTo: "12",
    }));
    steps.push({
      kind: "mark-all",
      flag: "read",
      filter: normalizeFilter({ ...inboxView, properties: { post: "a" } }),
      upTo: "06",
    });
    const state = applyStateChanges(emptyState, versioned(steps), retention);
    expect(state.watermarks.read.length).toBeLessThanOrEqual(maxWatermarks);
    expect(statesOf(state)).toEqual(model(steps));
  });

  it("stays bounded: marks of deleted, cleared and aged-out ids are dropped", () => {
    const all = notifications.map((n) => n.id);
    const marked = applyStateChanges(
      emptyState,
      versioned([{ kind: "mark", flag: "read", ids: all, value: true }]),
      retention,
    );
    const later: ListFacts = {
      notifications: notifications.slice(0, 6),
      deletedIds: new Set(["12"]),
      clearedUpTo: "03",
    };
    const pruned = applyStateChanges(
      marked,
      versioned([{ kind: "mark", flag: "archived", ids: ["11"], value: true }], 2, later),
      6,
    );
    // 12 deleted; 01..03 cleared; 04..06 aged out of the full list of six (07..12).
    expect([...pruned.marks.keys()].sort()).toEqual(["07", "08", "09", "10", "11"]);
  });

  it("drops marks by id that a later watermark overrides", () => {
    const steps: Step[] = [
      { kind: "mark", flag: "read", ids: ["01", "02", "03"], value: true },
      { kind: "mark", flag: "read", ids: ["02"], value: false },
      {
        kind: "mark-all",
        flag: "read",
        filter: normalizeFilter({ ...inboxView, archived: false }),
        upTo: "12",
      },
    ];
    const state = applyStateChanges(emptyState, versioned(steps), retention);
    expect(state.marks.size).toBe(0);
    expect(statesOf(state)).toEqual(model(steps));
  });
});

describe("mergeStates", () => {
  const three = fc.tuple(sibling, sibling, sibling);

  it("is commutative", () => {
    fc.assert(
      fc.property(three, ([a, b, c]) => {
        const abc = plain(mergeStates([a, b, c]));
        for (const order of [
          [a, c, b],
          [b, a, c],
          [b, c, a],
          [c, a, b],
          [c, b, a],
        ]) {
          expect(plain(mergeStates(order))).toEqual(abc);
        }
      }),
      runs,
    );
  });

  it("is associative", () => {
    fc.assert(
      fc.property(three, ([a, b, c]) => {
        const flat = plain(mergeStates([a, b, c]));
        expect(plain(mergeStates([mergeStates([a, b]), c]))).toEqual(flat);
        expect(plain(mergeStates([a, mergeStates([b, c])]))).toEqual(flat);
        expect(plain(mergeStates([mergeStates([a, c]), b]))).toEqual(flat);
      }),
      runs,
    );
  });

  it("is idempotent: a sibling twice is the sibling once, and a merge merges to itself", () => {
    fc.assert(
      fc.property(three, ([a, b]) => {
        const merged = mergeStates([a, b]);
        expect(plain(mergeStates([a, a, b, a]))).toEqual(plain(merged));
        expect(plain(mergeStates([merged]))).toEqual(plain(merged));
        expect(plain(mergeStates([merged, a, b]))).toEqual(plain(merged));
      }),
      runs,
    );
  });

  it("lets the later change win per notification, whichever sibling holds it", () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 10 }),
        fc.array(fc.boolean(), { maxLength: 10 }),
        (steps, sides) => {
          // Two instances, each writing some of one sequence of changes.
          const changes = versioned(steps);
          const left = changes.filter((_, i) => sides[i]);
          const right = changes.filter((_, i) => !sides[i]);
          const merged = mergeStates([
            applyStateChanges(emptyState, left, retention),
            applyStateChanges(emptyState, right, retention),
          ]);
          // Marks by id are the latest change's wherever it was written.
          for (const n of notifications) {
            for (const f of flags) {
              const last = [...steps]
                .reverse()
                .find((s) => s.kind === "mark" && s.flag === f && s.ids.includes(n.id));
              const lastAll = steps.findLastIndex((s) => s.kind === "mark-all" && s.flag === f);
              if (last && lastAll < 0 && last.kind === "mark") {
                expect(effectiveState(merged, n)[f]).toBe(last.value);
              }
            }
          }
        },
      ),
      runs,
    );
  });
});

describe("a delete beats every state", () => {
  it("no deleted notification is shown, whatever the state siblings hold", () => {
    const listSibling: fc.Arbitrary<NotificationList> = fc.record({
      notifications: fc.subarray(notifications),
      deletedIds: fc.uniqueArray(id, { maxLength: 4 }).map((ids) => new Set(ids)),
      clearedUpTo: fc.option(id, { nil: "" }),
    });
    fc.assert(
      fc.property(
        fc.array(listSibling, { minLength: 1, maxLength: 3 }),
        fc.array(sibling, { maxLength: 3 }),
        (lists, states) => {
          const merged = mergeHeads(
            lists.map((list) => ({ ...emptyHead, ...list })),
            retention,
          );
          const state = mergeStates(states);
          for (const view of [inboxView, normalizeFilter({ ...inboxView, archived: true })]) {
            for (const item of buildInbox(
              merged.notifications,
              undefined,
              new Map(),
              state,
              view,
            )) {
              const gone = lists.some((l) => l.deletedIds.has(item.id) || item.id <= l.clearedUpTo);
              expect(gone, `${item.id} is shown`).toBe(false);
            }
          }
        },
      ),
      runs,
    );
  });
});
