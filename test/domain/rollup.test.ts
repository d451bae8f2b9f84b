import { describe, expect, it } from "vitest";
import { parseDuration } from "../../src/domain/duration.js";
import type { InboxItem } from "../../src/domain/notification.js";
import { rollUp } from "../../src/domain/rollup.js";
import type { Rule } from "../../src/domain/rule.js";
import { idsDescending, item, shape } from "./fixtures.js";

const minute = 60_000;
const now = Date.UTC(2015, 6, 31, 23, 21, 35);

function rules(category: string, rule: Rule): Map<string, Rule> {
  return new Map([[category, rule]]);
}

function duration(text: string) {
  const parsed = parseDuration(text);
  if (!parsed) throw new Error(`bad duration ${text}`);
  return parsed;
}

// The predecessor's RollupTest: nine new-follower notifications "1".."9", "9" newest.
describe("rollUp: the predecessor's RollupTest cases", () => {
  const nine = idsDescending(9).map((id) => item(id));

  it("max_size 3 (the predecessor's max_size 2, which counted children) groups in threes", () => {
    const out = rollUp(nine, rules("new-follower", { maxSize: 3 }));
    expect(shape(out)).toEqual([
      ["9", ["8", "7"]],
      ["6", ["5", "4"]],
      ["3", ["2", "1"]],
    ]);
  });

  it("max_size counts the head: max_size 2 makes pairs", () => {
    const out = rollUp(nine, rules("new-follower", { maxSize: 2 }));
    expect(out.map((n) => n.id)).toEqual(["9", "7", "5", "3", "1"]);
  });

  it("max_size 4 and 20 minutes, k created (9-k)×5 minutes ago: [9, 5, 1]", () => {
    const timed = idsDescending(9).map((id) =>
      item(id, { createdAt: now - (9 - Number(id)) * 5 * minute }),
    );
    const out = rollUp(
      timed,
      rules("new-follower", { maxSize: 4, maxDuration: duration("20 minutes") }),
    );
    expect(shape(out)).toEqual([
      ["9", ["8", "7", "6"]],
      ["5", ["4", "3", "2"]],
      ["1", []],
    ]);
  });

  it("match_on first_name: heads without the property accept nothing", () => {
    const props: Record<string, Record<string, string>> = {
      "1": { first_name: "Bob" },
      "2": { first_name: "John" },
      "3": { last_name: "Smith" },
      "4": { city: "Anytown" },
      "5": { first_name: "Bob" },
      "6": {},
      "7": { first_name: "Bob" },
      "8": { last_name: "Smith" },
      "9": { first_name: "Bob" },
    };
    const items = idsDescending(9).map((id) => item(id, { properties: props[id] ?? {} }));
    const out = rollUp(items, rules("new-follower", { matchOn: "first_name" }));
    expect(shape(out)).toEqual([
      ["9", ["7", "5", "1"]],
      ["8", []],
      ["6", []],
      ["4", []],
      ["3", []],
      ["2", []],
    ]);
  });

  it("passes everything through when there are no rules", () => {
    expect(rollUp(nine, new Map())).toEqual(nine);
  });
});

// The predecessor's MatcherTest, through rollUp: does the head "9" take the candidate "1"?
describe("rollUp: which notifications a group accepts (MatcherTest)", () => {
  const head = item("9", {
    createdAt: now,
    properties: { first_name: "Bob", last_name: "Smith" },
  });
  const joins = (candidate: InboxItem, rule: Rule) =>
    rollUp([head, candidate], rules("new-follower", rule)).length === 1;

  it("match_on: the same value joins; another value, a missing key or no properties do not", () => {
    const rule = { matchOn: "first_name" };
    expect(joins(item("1", { createdAt: now, properties: { first_name: "Bob" } }), rule)).toBe(
      true,
    );
    expect(joins(item("1", { createdAt: now, properties: { first_name: "Ted" } }), rule)).toBe(
      false,
    );
    expect(joins(item("1", { createdAt: now, properties: { last_name: "Smith" } }), rule)).toBe(
      false,
    );
    expect(joins(item("1", { createdAt: now }), rule)).toBe(false);
  });

  it("another category never joins", () => {
    const like = item("1", { category: "like", createdAt: now, properties: { first_name: "Bob" } });
    const out = rollUp(
      [head, like],
      new Map([
        ["new-follower", { matchOn: "first_name" }],
        ["like", { matchOn: "first_name" }],
      ]),
    );
    expect(out).toHaveLength(2);
  });

  it("a head without the property accepts nothing", () => {
    const bare = item("9", { createdAt: now });
    const out = rollUp(
      [bare, item("1", { createdAt: now, properties: { first_name: "Bob" } })],
      rules("new-follower", { matchOn: "first_name" }),
    );
    expect(out).toHaveLength(2);
  });

  it("max_duration 10 minutes: same time and exactly 10 minutes older join; newer or older than that do not", () => {
    const rule = { maxDuration: duration("10 minutes") };
    expect(joins(item("1", { createdAt: now + 10 * minute }), rule)).toBe(false);
    expect(joins(item("1", { createdAt: now + 1000 }), rule)).toBe(false);
    expect(joins(item("1", { createdAt: now }), rule)).toBe(true);
    expect(joins(item("1", { createdAt: now - 10 * minute }), rule)).toBe(true);
    expect(joins(item("1", { createdAt: now - 10 * minute - 1000 }), rule)).toBe(false);
  });

  it("a full group closes: the next notification opens a new group", () => {
    const three = [item("3"), item("2"), item("1")];
    expect(shape(rollUp(three, rules("new-follower", { maxSize: 2 })))).toEqual([
      ["3", ["2"]],
      ["1", []],
    ]);
  });

  it("max_size 1 never groups", () => {
    const out = rollUp([item("2"), item("1")], rules("new-follower", { maxSize: 1 }));
    expect(shape(out)).toEqual([
      ["2", []],
      ["1", []],
    ]);
  });
});

describe("rollUp: groups across other categories (Appendix A11)", () => {
  it("like with 3 hours and match_on message_id: [L3 {L2, L1}, F, L0]", () => {
    const t = now;
    const like = (id: string, ago: number) =>
      item(id, { category: "like", createdAt: t - ago, properties: { message_id: "1" } });
    const items = [
      like("5", 0),
      like("4", 60 * minute),
      item("3", { category: "new-follower", createdAt: t - 90 * minute }),
      like("2", 120 * minute),
      like("1", 240 * minute),
    ];
    const out = rollUp(
      items,
      rules("like", { maxDuration: duration("3 hours"), matchOn: "message_id" }),
    );
    expect(shape(out)).toEqual([
      ["5", ["4", "2"]],
      ["3", []],
      ["1", []],
    ]);
  });
});
