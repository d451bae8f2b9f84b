import { describe, expect, it } from "vitest";
import { expiresAtMs, tokenClaims } from "../src/token-claims.js";
import { TokenSource } from "../src/token-source.js";

/** base64url without padding, as JWTs write their parts. */
function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** An unsigned JWT with these claims (the inbox never verifies; the service does). */
function jwt(claims: Record<string, unknown>): string {
  return `${base64url(JSON.stringify({ alg: "HS256" }))}.${base64url(JSON.stringify(claims))}.signature`;
}

describe("token claims", () => {
  it("reads a JWT's payload, non-ASCII and unpadded base64url included", () => {
    expect(tokenClaims(jwt({ sub: "zoë", exp: 1_900_000_000 }))).toEqual({
      sub: "zoë",
      exp: 1_900_000_000,
    });
    expect(expiresAtMs(jwt({ exp: 1_900_000_000 }))).toBe(1_900_000_000_000);
  });

  it("reads nothing from what is not a JWT with an object payload", () => {
    for (const token of ["", "abc", "a.b.c", `x.${base64url("[1]")}.y`, "a.!!.c"]) {
      expect(tokenClaims(token)).toBeUndefined();
    }
    expect(expiresAtMs(jwt({ exp: "soon" }))).toBeUndefined();
  });
});

describe("the token source", () => {
  it("without a provider, sends the fixed token (or none) and never refreshes", async () => {
    expect(await new TokenSource().current()).toBeUndefined();
    const fixed = new TokenSource({ token: jwt({ exp: 1 }) });
    expect(await fixed.current()).toBe(jwt({ exp: 1 }));
    expect(fixed.msUntilRefresh()).toBe(Number.POSITIVE_INFINITY);
    await expect(fixed.fresh()).rejects.toThrow("no token provider");
  });

  it("asks the provider once for concurrent callers, and again only when the token is due", async () => {
    let clock = 1_000_000_000_000;
    let asked = 0;
    const tokens = new TokenSource({
      now: () => clock,
      // Tokens for an hour: refreshed a minute before they expire.
      provider: async () => {
        asked += 1;
        return jwt({ exp: Math.floor(clock / 1000) + 3600, n: asked });
      },
    });
    const [a, b] = await Promise.all([tokens.current(), tokens.current()]);
    expect(a).toBe(b);
    expect(asked).toBe(1);
    expect(tokens.msUntilRefresh()).toBe(3_540_000);
    clock += 3_539_000;
    expect(await tokens.current()).toBe(a);
    clock += 1000;
    expect(await tokens.current()).not.toBe(a);
    expect(asked).toBe(2);
  });

  it("refreshes a short-lived token a quarter of its life before it expires", async () => {
    const clock = 1_000_000_000_000;
    const tokens = new TokenSource({
      now: () => clock,
      provider: () => jwt({ exp: clock / 1000 + 40 }),
    });
    await tokens.current();
    expect(tokens.msUntilRefresh()).toBe(30_000);
  });

  it("a provider that gives nothing is an error saying so", async () => {
    const tokens = new TokenSource({ provider: () => "" });
    await expect(tokens.current()).rejects.toThrow("the token provider gave no token");
  });
});
