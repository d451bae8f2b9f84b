import { describe, expect, it } from "vitest";
import { mergeCursors } from "../../src/domain/cursor.js";
import { createIdGenerator } from "../../src/domain/ids.js";
import { activeRules, applyRuleWrites, mergeRuleEntries } from "../../src/domain/rule-set.js";

describe("mergeCursors (the predecessor's CursorResolverTest)", () => {
  it("resolves to the greatest value", () => {
    const siblings = ["1", "2", "3", "4", "5", "6"].map((value) => ({ value, previous: "" }));
    expect(mergeCursors(siblings)?.value).toBe("6");
  });

  it("no siblings: no cursor; one: itself", () => {
    expect(mergeCursors([])).toBeUndefined();
    expect(mergeCursors([{ value: "3", previous: "1" }])).toEqual({ value: "3", previous: "1" });
  });
});

describe("mergeRuleEntries", () => {
  it("keeps per category the entry with the greatest version", () => {
    const a = new Map([
      ["like", { version: "2", rule: { maxSize: 3 } }],
      ["follow", { version: "1", rule: { maxSize: 9 } }],
    ]);
    const b = new Map([["like", { version: "1", rule: { maxSize: 5 } }]]);
    const merged = mergeRuleEntries([b, a]);
    expect(merged.get("like")?.rule).toEqual({ maxSize: 3 });
    expect(merged.get("follow")?.rule).toEqual({ maxSize: 9 });
  });

  it("a newer deletion is not undone by an older sibling that still has the rule", () => {
    const deleted = new Map([["like", { version: "5", rule: undefined }]]);
    const stale = new Map([["like", { version: "4", rule: { maxSize: 3 } }]]);
    const merged = mergeRuleEntries([stale, deleted]);
    expect(activeRules(merged).has("like")).toBe(false);
    expect(merged.get("like")?.version).toBe("5");
  });

  // Found by the merge-law properties (merge-laws.test.ts): two instances whose
  // clocks are behind the one that wrote the entry both supersede it with
  // idAfter(its version), the same version, and the merge kept whichever
  // sibling came first, so instances could resolve the rule differently.
  it("resolves two writes of one version the same way in either order", () => {
    const ahead = createIdGenerator(() => Date.now() + 60_000)();
    const entries = new Map([["like", { version: ahead, rule: { maxSize: 1 } }]]);
    const behind = createIdGenerator(() => Date.now());
    const put = applyRuleWrites(entries, [
      { category: "like", version: behind(), rule: { maxSize: 5 } },
    ]);
    const deleted = applyRuleWrites(entries, [
      { category: "like", version: behind(), rule: undefined },
    ]);
    const other = applyRuleWrites(entries, [
      { category: "like", version: behind(), rule: { maxSize: 9 } },
    ]);
    expect(put.get("like")?.version).toBe(deleted.get("like")?.version);
    expect(mergeRuleEntries([put, deleted]).get("like")).toEqual(deleted.get("like"));
    expect(mergeRuleEntries([deleted, put]).get("like")).toEqual(deleted.get("like"));
    expect(mergeRuleEntries([put, other]).get("like")).toEqual(
      mergeRuleEntries([other, put]).get("like"),
    );
  });
});
