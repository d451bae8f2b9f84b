import { describe, expect, it } from "vitest";
import {
  decodePageToken,
  encodePageToken,
  encodePositionToken,
} from "../../src/domain/page-token.js";
import { takePage } from "../../src/domain/paging.js";
import { ValidationError } from "../../src/domain/validation-error.js";
import { idsDescending, item } from "./fixtures.js";

const hundred = idsDescending(100, 3).map((id) => item(id));
const ids = (page: { items: { id: string }[] }) => page.items.map((i) => i.id);

describe("takePage (the predecessor's skip cases, by id comparison)", () => {
  it("the first page is the newest items", () => {
    const page = takePage(hundred, { inclusive: true }, 10);
    expect(ids(page)).toEqual(idsDescending(100, 3).slice(0, 10));
    expect(page.hasMore).toBe(true);
  });

  it("exclusive from 056 gives 055..046", () => {
    const page = takePage(hundred, { fromId: "056", inclusive: false }, 10);
    expect(ids(page)[0]).toBe("055");
    expect(ids(page).at(-1)).toBe("046");
  });

  it("inclusive from an id that is not in the list starts at the next older one (never a newer one)", () => {
    const gappy = hundred.filter((i) => i.id !== "050");
    expect(ids(takePage(gappy, { fromId: "050", inclusive: true }, 2))).toEqual(["049", "048"]);
  });

  it("a from-id newer than everything starts at the newest; older than everything gives an empty last page", () => {
    expect(ids(takePage(hundred, { fromId: "999", inclusive: false }, 1))).toEqual(["100"]);
    const past = takePage(hundred, { fromId: "001", inclusive: false }, 10);
    expect(past.items).toEqual([]);
    expect(past.hasMore).toBe(false);
  });

  it("walking the pages visits every item exactly once", () => {
    const seen: string[] = [];
    let start: { fromId?: string; inclusive: boolean } = { inclusive: true };
    for (;;) {
      const page = takePage(hundred, start, 7);
      seen.push(...ids(page));
      const last = page.items.at(-1);
      if (!page.hasMore || !last) break;
      start = { fromId: last.id, inclusive: false };
    }
    expect(seen).toEqual(idsDescending(100, 3));
  });
});

describe("page tokens", () => {
  const id = "3MSBa8GtFJqiVfhAjOlEyrrjyBs";
  const fingerprint = "filterPrint";

  it("round-trip", () => {
    for (const inclusive of [false, true]) {
      const token = encodePageToken({ fromId: id, inclusive }, fingerprint);
      expect(decodePageToken(token, fingerprint)).toEqual({ fromId: id, inclusive });
    }
  });

  it("the empty token is the first page", () => {
    expect(decodePageToken("", fingerprint)).toEqual({ inclusive: true });
  });

  it("belongs to the filter it was issued with (contract §7.3)", () => {
    const token = encodePageToken({ fromId: id, inclusive: false }, fingerprint);
    expect(() => decodePageToken(token, "anotherPrint")).toThrow(
      /page_token was issued for another filter/,
    );
  });

  it("a position token (a Range header's <from>, or an earlier release's) goes with any filter", () => {
    const token = encodePositionToken({ fromId: id, inclusive: true });
    expect(decodePageToken(token, fingerprint)).toEqual({ fromId: id, inclusive: true });
    expect(decodePageToken(token, "anotherPrint")).toEqual({ fromId: id, inclusive: true });
  });

  it.each([
    "garbage",
    Buffer.from("v1:xnot-an-id").toString("base64url"),
    Buffer.from(`v2:x${id}`).toString("base64url"),
    Buffer.from(`v1:x${id}extra`).toString("base64url"),
    Buffer.from(`v3:x${id}${fingerprint}`).toString("base64url"),
  ])("rejects %s naming page_token", (token) => {
    expect(() => decodePageToken(token, fingerprint)).toThrow(ValidationError);
    expect(() => decodePageToken(token, fingerprint)).toThrow(/page_token/);
  });
});
