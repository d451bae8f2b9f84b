import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildInbox } from "../../src/domain/inbox.js";
import type { InboxChange } from "../../src/domain/inbox-changes.js";
import { pageFromNewest } from "../../src/domain/inbox-page.js";
import { InboxView } from "../../src/domain/inbox-view.js";
import type { InboxItem, StoredNotification } from "../../src/domain/notification.js";
import { type PageStart, takePage } from "../../src/domain/paging.js";
import { parseRule, type RuleSet } from "../../src/domain/rule.js";
import { SegmentShelf } from "./inbox-simulator.js";

// A page read from the newest notifications, reading segments only while
// they could change it, is the page the whole inbox gives: the same items,
// the same groups, the same flags, the same "more follows". Over generated
// inboxes (sealed into segments with a small head limit), rules of every
// kind, cursors and page starts.

const minute = 60_000;

const notification = fc.record({
  category: fc.constantFrom("like", "comment", "follow"),
  post: fc.constantFrom("p1", "p2", "p3"),
  // Usually a minute or so after the previous one; sometimes earlier (a clock behind).
  step: fc.integer({ min: -2 * minute, max: 20 * minute }),
});

const rule = fc.oneof(
  fc.record({ maxSize: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ maxDuration: fc.constantFrom("5 minutes", "1 hour", "1 day") }),
  fc.record({ matchOn: fc.constant("post") }),
  fc.record({
    maxSize: fc.integer({ min: 2, max: 6 }),
    maxDuration: fc.constantFrom("10 minutes", "2 hours"),
    matchOn: fc.constant("post"),
  }),
);

const rules: fc.Arbitrary<RuleSet> = fc
  .uniqueArray(fc.tuple(fc.constantFrom("like", "comment", "follow"), rule), {
    selector: ([category]) => category,
    maxLength: 3,
  })
  .map((entries) => new Map(entries.map(([category, r]) => [category, parseRule(r)])));

const inbox = fc.record({
  notifications: fc.array(notification, { minLength: 0, maxLength: 80 }),
  headLimit: fc.integer({ min: 2, max: 8 }),
  rules,
  cursorAt: fc.option(fc.nat(), { nil: undefined }),
  startAt: fc.option(fc.tuple(fc.nat(), fc.boolean()), { nil: undefined }),
  size: fc.integer({ min: 1, max: 8 }),
});

/** What a test compares of a page: heads with flags and their children. */
const shape = (items: readonly InboxItem[]) =>
  items.map((i) => [i.id, i.unseen, i.children.map((c) => [c.id, c.unseen])]);

describe("pageFromNewest", () => {
  it("gives the whole inbox's page while reading only the segments it needs", () => {
    fc.assert(
      fc.property(inbox, (t) => {
        let clock = Date.UTC(2026, 0, 1);
        const made: StoredNotification[] = t.notifications.map((n, i) => {
          clock += n.step;
          return {
            id: String(i + 1).padStart(3, "0"),
            category: n.category,
            message: `${i}`,
            createdAt: clock,
            properties: { post: n.post },
          };
        });
        const shelf = new SegmentShelf();
        const changes: InboxChange[] = made.map((n) => ({ kind: "add", notification: n }));
        const head = shelf.build(changes, { retention: 1000, headLimit: t.headLimit });
        const all = [...made].reverse();
        const ids = all.map((n) => n.id);
        const cursor = t.cursorAt === undefined ? undefined : ids[t.cursorAt % (ids.length + 1)];
        const start: PageStart =
          t.startAt === undefined
            ? { inclusive: true }
            : {
                fromId: ids[t.startAt[0] % (ids.length + 1)] ?? "000",
                inclusive: t.startAt[1],
              };
        const expected = takePage(buildInbox(all, cursor, t.rules), start, t.size);

        const view = new InboxView(head, 1000);
        let page = pageFromNewest(view.known(), cursor, t.rules, start, t.size);
        let reads = 0;
        while (page === undefined) {
          const [next] = view.pending();
          if (!next) throw new Error("undecided with every segment read");
          view.add(next.key, shelf.segments.get(next.key) ?? null);
          reads++;
          page = pageFromNewest(view.known(), cursor, t.rules, start, t.size);
        }
        expect(shape(page.items)).toEqual(shape(expected.items));
        expect(page.hasMore).toBe(expected.hasMore);
        // Without rules, a first page within the head needs no segment.
        if (
          t.rules.size === 0 &&
          start.fromId === undefined &&
          head.notifications.length > t.size
        ) {
          expect(reads).toBe(0);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe("InboxView", () => {
  const made = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      id: String(i + 1).padStart(3, "0"),
      category: "like",
      message: "",
      createdAt: i,
      properties: {},
    }));
  const build = (n: number, deletes: string[] = []) => {
    const shelf = new SegmentShelf();
    const changes: InboxChange[] = made(n).map((notification) => ({ kind: "add", notification }));
    if (deletes.length > 0) changes.push({ kind: "delete", ids: deletes });
    const head = shelf.build(changes, { retention: 1000, headLimit: 10 });
    return { shelf, head };
  };

  it("knows the newest notifications down to the newest segment not read yet", () => {
    const { head, shelf } = build(100);
    const view = new InboxView(head, 1000);
    const known = view.known();
    expect(known.notifications.map((n) => n.id)).toEqual(head.notifications.map((n) => n.id));
    expect(known.rest?.newestId).toBe(head.segments[0]?.newestId);
    for (const ref of head.segments) view.add(ref.key, shelf.segments.get(ref.key) ?? null);
    expect(view.known().notifications).toHaveLength(100);
    expect(view.known().rest).toBeUndefined();
  });

  it("applies the head's tombstones to what segments hold", () => {
    const { head, shelf } = build(100, ["012", "090"]);
    const view = new InboxView(head, 1000);
    for (const ref of head.segments) view.add(ref.key, shelf.segments.get(ref.key) ?? null);
    const ids = view.known().notifications.map((n) => n.id);
    expect(ids).toHaveLength(98);
    expect(ids).not.toContain("012");
    expect(ids).not.toContain("090");
  });
});
