import { describe, expect, it } from "vitest";
import { readSettings } from "../src/inbox-settings.js";

const page = { origin: "https://app.example", href: "https://app.example/inbox/" };

/** The settings of these attributes (and provider). */
function settings(attributes: Record<string, string>, provider?: () => string) {
  return readSettings((name) => attributes[name] ?? null, provider, page);
}

/** An unsigned JWT with these claims. */
function jwt(claims: object): string {
  const part = (value: object) =>
    btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  return `${part({ alg: "HS256" })}.${part(claims)}.x`;
}

describe("the element's settings", () => {
  it("default to the page's origin, 20 a page and the categories seen", async () => {
    const read = await settings({ user: "ann" });
    expect(read).toMatchObject({ baseUrl: page.origin, username: "ann", pageSize: 20 });
    expect(read.categories).toBeUndefined();
  });

  it("take a service URL (relative ones against the page), a page size and categories", async () => {
    const read = await settings({
      user: "ann",
      "service-url": "https://inbox.example/api/",
      "page-size": "50",
      categories: " like, comment ,,",
    });
    expect(read).toMatchObject({ baseUrl: "https://inbox.example/api", pageSize: 50 });
    expect(read.categories).toEqual(["like", "comment"]);
    expect((await settings({ user: "ann", "service-url": "/svc" })).baseUrl).toBe(
      "https://app.example/svc",
    );
  });

  it("take the user from the token's sub claim, asking the provider when there is no token", async () => {
    expect((await settings({ token: jwt({ sub: "bob" }) })).username).toBe("bob");
    expect((await settings({}, () => jwt({ sub: "cy" }))).username).toBe("cy");
  });

  it.each([
    [{}, "no user: set the user attribute (or a token whose sub claim names the user)"],
    [
      { token: jwt({ exp: 1 }) },
      "no user: the token has no sub claim naming the user; set the user attribute",
    ],
    [
      { user: "ann", "page-size": "1001" },
      'page-size must be a whole number from 1 to 1000 (got "1001")',
    ],
    [
      { user: "ann", "page-size": "ten" },
      'page-size must be a whole number from 1 to 1000 (got "ten")',
    ],
    [
      { user: "ann", "service-url": "http://[::1" },
      'service-url must be a URL such as https://inbox.example.com (got "http://[::1")',
    ],
    [
      { user: "ann", "service-url": "javascript:alert(1)" },
      'service-url must be an http:// or https:// URL (got "javascript:alert(1)")',
    ],
  ])("refuse %j, saying why", async (attributes, message) => {
    await expect(settings(attributes)).rejects.toThrow(message);
  });

  it("say so when the token provider fails", async () => {
    await expect(
      settings({}, () => {
        throw new Error("signed out");
      }),
    ).rejects.toThrow("the token provider failed: signed out");
  });
});
