import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load-config.js";
import {
  configProblems as problems,
  shippedConfig as shipped,
} from "../support/config-problems.js";

describe("the auth and CORS keys of config.yml", () => {
  it("default to auth.mode none, no cookie, no key and CORS off", () => {
    const config = parseConfig(shipped, {});
    expect(config.auth).toMatchObject({ mode: "none", cookie: "" });
    expect(config.auth.jwt).toMatchObject({
      secret: "",
      algorithms: [],
      jwks_refresh_ms: 30_000,
      leeway_s: 30,
      user_claim: "sub",
      scope_claim: "scope",
    });
    expect(config.server.cors.allowed_origins).toEqual([]);
  });

  it("take their variables, lists comma-separated", () => {
    const config = parseConfig(shipped, {
      AUTH_MODE: "jwt",
      AUTH_JWT_SECRET: "a secret of some length, 0123456789",
      AUTH_JWT_ALGORITHMS: "HS256, HS384",
      AUTH_JWT_ISSUER: "https://id.example",
      AUTH_JWT_AUDIENCE: "inbox",
      AUTH_COOKIE: "inbox_token",
      CORS_ALLOWED_ORIGINS: "https://app.example, http://localhost:5173",
    });
    expect(config.auth.mode).toBe("jwt");
    expect(config.auth.cookie).toBe("inbox_token");
    expect(config.auth.jwt).toMatchObject({
      secret: "a secret of some length, 0123456789",
      algorithms: ["HS256", "HS384"],
      issuer: "https://id.example",
      audience: "inbox",
    });
    expect(config.server.cors.allowed_origins).toEqual([
      "https://app.example",
      "http://localhost:5173",
    ]);
  });

  it("take origins as browsers send them, and refuse what is not an origin", () => {
    const config = parseConfig(shipped, {
      CORS_ALLOWED_ORIGINS: "HTTPS://App.Example:443/, http://localhost:5173, *",
    });
    expect(config.server.cors.allowed_origins).toEqual([
      "https://app.example",
      "http://localhost:5173",
      "*",
    ]);
    expect(
      problems({ CORS_ALLOWED_ORIGINS: "app.example,https://a.example/path,null,ftp://x" }),
    ).toEqual([
      'config.yml: server.cors.allowed_origins (from CORS_ALLOWED_ORIGINS) must list origins, scheme://host[:port] without a path, or "*" ("app.example", "https://a.example/path", "null", "ftp://x" are not)',
    ]);
  });

  it("accept YAML lists too", () => {
    const config = parseConfig(
      "server:\n  cors:\n    allowed_origins:\n      - https://a.example\n      - '*'\nauth:\n  jwt:\n    algorithms: [RS256, ES256]\n",
      {},
    );
    expect(config.server.cors.allowed_origins).toEqual(["https://a.example", "*"]);
    expect(config.auth.jwt.algorithms).toEqual(["RS256", "ES256"]);
  });

  it("refuse bad values, naming the key and the variable", () => {
    expect(
      problems({
        AUTH_MODE: "on",
        AUTH_COOKIE: "my cookie",
        AUTH_JWT_JWKS_URL: "ftp://keys.example/jwks",
        CORS_ALLOWED_ORIGINS: "app.example,https://ok.example,https://b.example/path",
      }),
    ).toEqual([
      'config.yml: server.cors.allowed_origins (from CORS_ALLOWED_ORIGINS) must list origins, scheme://host[:port] without a path, or "*" ("app.example", "https://b.example/path" are not)',
      'config.yml: auth.mode (from AUTH_MODE) must be none or jwt (got "on")',
      "config.yml: auth.cookie (from AUTH_COOKIE) must be a cookie name (a token)",
      "config.yml: auth.jwt.jwks_url (from AUTH_JWT_JWKS_URL) must be empty or an http:// or https:// URL",
    ]);
    expect(
      problems({}, "auth:\n  jwt:\n    leeway_s: -1\n    jwks_refresh_ms: soon\n    extra: 1\n"),
    ).toEqual([
      'config.yml: auth.jwt.jwks_refresh_ms must be a time in ms from 1 to 2147483647, in decimal digits (got "soon")',
      'config.yml: auth.jwt.leeway_s must be a number of seconds from 0 to 86400, in decimal digits (got "-1")',
      "config.yml: unknown key auth.jwt.extra",
    ]);
  });
});
