import KSUID from "ksuid";
import { describe, expect, it } from "vitest";
import { durationMs, formatDuration, parseDuration } from "../../src/domain/duration.js";
import { createIdGenerator, isKsuid } from "../../src/domain/ids.js";
import { emptyRuleMessage, parseRule } from "../../src/domain/rule.js";
import { ValidationError } from "../../src/domain/validation-error.js";

describe("ids (contract §4.1)", () => {
  it("are canonical KSUIDs readable by a KSUID library, with the clock's second", () => {
    const now = Date.UTC(2026, 10, 22, 12, 0, 0);
    const id = createIdGenerator(() => now)();
    expect(isKsuid(id)).toBe(true);
    expect(KSUID.parse(id).date.getTime()).toBe(now);
  });

  it("never go out of order within one second, or when the clock steps back", () => {
    let now = Date.UTC(2026, 10, 22, 12, 0, 0);
    const newId = createIdGenerator(() => now);
    const issued: string[] = [];
    for (let i = 0; i < 5000; i++) {
      if (i === 2500) now -= 10_000;
      if (i === 4000) now += 20_000;
      issued.push(newId());
    }
    expect([...issued].sort()).toEqual(issued);
    expect(new Set(issued).size).toBe(issued.length);
  });
});

describe("durations (contract §3.4)", () => {
  it.each([
    ["3m", "3 minutes", 180_000],
    ["1h", "1 hour", 3_600_000],
    ["12 hours", "12 hours", 43_200_000],
    ["12hours", "12 hours", 43_200_000],
    ["500ms", "500 milliseconds", 500],
    ["1 second", "1 second", 1000],
    ["10 mins", "10 minutes", 600_000],
    ["2d", "2 days", 172_800_000],
  ])("%s is %s", (text, canonical, ms) => {
    const parsed = parseDuration(text);
    expect(parsed && formatDuration(parsed)).toBe(canonical);
    expect(parsed && durationMs(parsed)).toBe(ms);
  });

  it.each(["test", "3 lightyears", "", " 3m", "3m ", "-3m", "1.5h", "3  m", "3 M", "3 weeks"])(
    "rejects %j",
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});

describe("parseRule (the predecessor's RuleTest, adjusted)", () => {
  it("parses every field and canonicalises the duration", () => {
    const rule = parseRule({ maxSize: 3, maxDuration: "10 minutes", matchOn: "first_name" });
    expect(rule.maxSize).toBe(3);
    expect(rule.maxDuration && formatDuration(rule.maxDuration)).toBe("10 minutes");
    expect(rule.matchOn).toBe("first_name");
  });

  it.each([{}, { matchOn: "" }])(
    "rejects a rule with no field (%j) with the contract's message",
    (input) => {
      expect(() => parseRule(input)).toThrow(emptyRuleMessage);
    },
  );

  it("match_on alone is valid", () => {
    expect(parseRule({ matchOn: "like" })).toEqual({ matchOn: "like" });
  });

  it.each([
    [{ maxSize: 0 }, "max_size"],
    [{ maxSize: -2 }, "max_size"],
    [{ maxDuration: "3 lightyears" }, "max_duration"],
    [{ maxDuration: "" }, "max_duration"],
  ])("rejects %j naming %s", (input, field) => {
    try {
      parseRule(input);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
      expect((error as Error).message).toMatch(new RegExp(`^${field}`));
    }
  });
});
