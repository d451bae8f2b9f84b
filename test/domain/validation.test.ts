import { describe, expect, it } from "vitest";
import {
  checkCategory,
  checkMessage,
  checkProperties,
  checkUsername,
} from "../../src/domain/validation.js";
import { ValidationError } from "../../src/domain/validation-error.js";

function fieldOf(check: () => void): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (error instanceof ValidationError) return error.field;
    throw error;
  }
}

describe("validation (contract §3.1): lengths in code points, no trimming", () => {
  it.each(["a", "ann", "A.b_c-d@e+f9", "x".repeat(128)])("accepts username %j", (u) => {
    expect(fieldOf(() => checkUsername(u))).toBeUndefined();
  });

  it.each(["", "x".repeat(129), "a n", "ann/", "añn", " ann", "a\u0000"])(
    "rejects username %j",
    (u) => {
      expect(fieldOf(() => checkUsername(u))).toBe("username");
    },
  );

  it("counts category in code points: 20 emoji pass, 21 fail, 2 characters fail", () => {
    expect(fieldOf(() => checkCategory("😀".repeat(20)))).toBeUndefined();
    expect(fieldOf(() => checkCategory("😀".repeat(21)))).toBe("category");
    expect(fieldOf(() => checkCategory("ab"))).toBe("category");
    expect(fieldOf(() => checkCategory("abc"))).toBeUndefined();
  });

  it("does not trim: three spaces are a valid category, an empty message is not", () => {
    expect(fieldOf(() => checkCategory("   "))).toBeUndefined();
    expect(fieldOf(() => checkMessage(""))).toBe("message");
    expect(fieldOf(() => checkMessage("m".repeat(255)))).toBeUndefined();
    expect(fieldOf(() => checkMessage("m".repeat(256)))).toBe("message");
  });

  it("bounds properties: 32 entries, keys 1 to 64, values up to 1024", () => {
    const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, "v"]));
    expect(fieldOf(() => checkProperties(many))).toBe("properties");
    expect(fieldOf(() => checkProperties({ "": "v" }))).toBe("properties");
    expect(fieldOf(() => checkProperties({ ["k".repeat(65)]: "v" }))).toBe("properties");
    expect(fieldOf(() => checkProperties({ k: "v".repeat(1025) }))).toBe("properties");
    expect(fieldOf(() => checkProperties({ ["k".repeat(64)]: "v".repeat(1024) }))).toBeUndefined();
  });

  it("names the field and the limit in the message", () => {
    expect(() => checkCategory("ab")).toThrow("category must be 3 to 20 characters (got 2)");
  });
});
