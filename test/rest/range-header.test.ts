import { describe, expect, it } from "vitest";
import { RestError } from "../../src/rest/error-body.js";
import {
  formatContentRange,
  formatNextRange,
  parseRangeHeader,
  rangeGrammar,
} from "../../src/rest/range-header.js";

const a = "2QZ6vMVwJ8Bqj6vm9fzjRKXyN3Z";

// The predecessor's RangeHeaderTest table (predecessor.md §2.2), adjusted to
// contract §3.2: ids are KSUIDs, there is no to-id, and max is required.
describe("parseRangeHeader", () => {
  it.each([
    ["id;max=1", { inclusive: true, max: 1 }],
    ["id; max=1", { inclusive: true, max: 1 }],
    ["id ;max=1", { inclusive: true, max: 1 }],
    [`id ${a}..; max=1`, { fromId: a, inclusive: true, max: 1 }],
    [`id ${a}..;max=1`, { fromId: a, inclusive: true, max: 1 }],
    [`id ${a}..   ;    max=1`, { fromId: a, inclusive: true, max: 1 }],
    [`id ]${a}..; max=1`, { fromId: a, inclusive: false, max: 1 }],
    [`id ]${a}..; max=20`, { fromId: a, inclusive: false, max: 20 }],
    ["id;max=100", { inclusive: true, max: 100 }],
    ["id;max=1000", { inclusive: true, max: 1000 }],
    ["id;max=007", { inclusive: true, max: 7 }],
  ])("reads %j", (header, expected) => {
    expect(parseRangeHeader(header)).toEqual(expected);
  });

  it("clamps max above 1000 to 1000, however large", () => {
    expect(parseRangeHeader("id;max=5000").max).toBe(1000);
    expect(parseRangeHeader("id;max=99999999999999999999999").max).toBe(1000);
  });

  it.each([
    ["", "the empty header"],
    ["id", "no max"],
    [`id ${a}..`, "no max after a from-id"],
    [`id ${a}..${a}; max=1`, "a to-id"],
    [`id ..${a}; max=1`, "only a to-id"],
    [`id ..${a}[; max=1`, "an exclusive to-id"],
    ["id 1..26; max=1", "the predecessor's numeric ids"],
    [`id ${a}; max=1`, "a from-id without .."],
    ["id;max=", "an empty max"],
    ["id;max=-1", "a negative max"],
    ["id;max=1.5", "a fractional max"],
    ["id;max=ten", "a word for max"],
    ["id;limit=1", "another parameter"],
    ["items;max=1", "another unit"],
    ["bytes=0-99", "bytes"],
    ["ID;max=1", "an upper-case unit"],
    [`id ]]${a}..; max=1`, "a doubled ]"],
  ])("refuses %j (%s) with the grammar in the message", (header) => {
    let error: unknown;
    try {
      parseRangeHeader(header);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RestError);
    expect((error as RestError).status).toBe(400);
    expect((error as RestError).message).toContain(rangeGrammar);
  });

  it("refuses max=0 and a from-id that is not a notification id, naming the problem", () => {
    expect(() => parseRangeHeader("id;max=0")).toThrow("Range max must be at least 1 (got 0)");
    expect(() => parseRangeHeader("id abc..; max=1")).toThrow(
      'Range <from> must be a notification id, 27 characters of 0-9 A-Z a-z (got "abc")',
    );
  });
});

describe("formatting", () => {
  it("writes Content-Range and Next-Range as contract §3.2 shows them", () => {
    expect(formatContentRange(a, "0ujsszwN8NRY24YaXiTIE2VWDTS")).toBe(
      `id ${a}..0ujsszwN8NRY24YaXiTIE2VWDTS`,
    );
    expect(formatNextRange(a, 20)).toBe(`id ]${a}..; max=20`);
  });

  it("Next-Range parses back to the page after the last item", () => {
    expect(parseRangeHeader(formatNextRange(a, 7))).toEqual({
      fromId: a,
      inclusive: false,
      max: 7,
    });
  });
});
