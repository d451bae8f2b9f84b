import { describe, expect, it } from "vitest";
import { mergeCursors } from "../../src/domain/cursor.js";
import { activeRules, mergeRuleEntries } from "../../src/domain/rule-set.js";

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
});
