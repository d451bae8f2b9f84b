import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { JWK } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AuthFailure } from "../../src/auth/auth-failure.js";
import {
  createTokenVerifier,
  defaultJwtOptions,
  type TokenVerifier,
} from "../../src/auth/token-verifier.js";
import { keyPair, signToken, type TestKeyPair } from "./token-factory.js";

/** A JWKS endpoint that counts its hits and serves what the test sets. */
class JwksServer {
  hits = 0;
  keys: JWK[] = [];
  status = 200;
  private server: Server | undefined;
  url = "";

  async start(): Promise<void> {
    this.server = createServer((_req, res) => {
      this.hits++;
      res.statusCode = this.status;
      res.setHeader("content-type", "application/json");
      res.end(this.status === 200 ? JSON.stringify({ keys: this.keys }) : '{"error":"down"}');
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

const refreshMs = 30_000;

describe("JWKS URL: rotation and rate-limited refetch", () => {
  const jwks = new JwksServer();
  let clock: number;
  let verifier: TokenVerifier;
  let a: TestKeyPair;
  let b: TestKeyPair;
  let loadErrors: unknown[];

  const token = (pair: TestKeyPair, kid: string) =>
    signToken({ alg: "ES256", kid, key: pair.privateKey, claims: { sub: "ann" } });
  const reasonOf = (text: string) =>
    verifier.verify(text).then(
      () => "ok",
      (e: unknown) => (e instanceof AuthFailure ? e.reason : e),
    );

  beforeAll(async () => {
    await jwks.start();
    a = await keyPair("ec-p256", "key-a", "ES256");
    b = await keyPair("ec-p256", "key-b", "ES256");
  });
  afterAll(() => jwks.close());
  beforeEach(async () => {
    jwks.hits = 0;
    jwks.status = 200;
    jwks.keys = [a.jwk];
    clock = Date.now();
    loadErrors = [];
    verifier = await createTokenVerifier(
      { ...defaultJwtOptions, jwks_url: jwks.url, jwks_refresh_ms: refreshMs },
      { now: () => clock, onKeyLoadError: (e) => loadErrors.push(e) },
    );
  });

  it("fetches the set when first needed, once, and keeps it", async () => {
    expect(jwks.hits).toBe(0);
    await Promise.all(
      [1, 2, 3].map(async () => expect(await reasonOf(await token(a, "key-a"))).toBe("ok")),
    );
    expect(await reasonOf(await token(a, "key-a"))).toBe("ok");
    expect(jwks.hits).toBe(1);
  });

  it("picks up a new kid with one refetch", async () => {
    expect(await reasonOf(await token(a, "key-a"))).toBe("ok");
    jwks.keys = [a.jwk, b.jwk];
    clock += refreshMs;
    expect(await reasonOf(await token(b, "key-b"))).toBe("ok");
    expect(jwks.hits).toBe(2);
    expect(await reasonOf(await token(a, "key-a"))).toBe("ok");
    expect(await reasonOf(await token(b, "key-b"))).toBe("ok");
    expect(jwks.hits).toBe(2);
  });

  it("does not refetch for unknown kids more than once per jwks_refresh_ms (no storm)", async () => {
    expect(await reasonOf(await token(a, "key-a"))).toBe("ok");
    clock += refreshMs;
    const unknown = await token(b, "key-unknown");
    const reasons = await Promise.all(Array.from({ length: 50 }, () => reasonOf(unknown)));
    for (let i = 0; i < 50; i++) reasons.push(await reasonOf(unknown));
    expect(new Set(reasons)).toEqual(new Set(["unknown_kid"]));
    expect(jwks.hits).toBe(2);
    // Within the interval, not even a real new key causes a fetch...
    jwks.keys = [a.jwk, b.jwk];
    clock += refreshMs - 1;
    expect(await reasonOf(await token(b, "key-b"))).toBe("unknown_kid");
    expect(jwks.hits).toBe(2);
    // ...once it has passed, the next unknown kid does.
    clock += 1;
    expect(await reasonOf(await token(b, "key-b"))).toBe("ok");
    expect(jwks.hits).toBe(3);
  });

  it("refuses with keys_unavailable while the endpoint fails, rate-limited, and recovers", async () => {
    jwks.status = 503;
    const first = await token(a, "key-a");
    const reasons = await Promise.all(Array.from({ length: 20 }, () => reasonOf(first)));
    expect(new Set(reasons)).toEqual(new Set(["keys_unavailable"]));
    expect(await reasonOf(first)).toBe("keys_unavailable");
    expect(jwks.hits).toBe(1);
    expect(String(loadErrors[0])).toMatch(/HTTP 503/);
    jwks.status = 200;
    clock += refreshMs;
    expect(await reasonOf(first)).toBe("ok");
    expect(jwks.hits).toBe(2);
  });

  it("keeps the keys it has when a refetch fails", async () => {
    expect(await reasonOf(await token(a, "key-a"))).toBe("ok");
    jwks.status = 500;
    clock += refreshMs;
    expect(await reasonOf(await token(b, "key-b"))).toBe("unknown_kid");
    expect(await reasonOf(await token(a, "key-a"))).toBe("ok");
    expect(jwks.hits).toBe(2);
  });

  it("drops a removed key once the set is older than its maximum age (10 minutes)", async () => {
    expect(await reasonOf(await token(a, "key-a"))).toBe("ok");
    jwks.keys = [b.jwk];
    clock += 5 * 60_000;
    expect(await reasonOf(await token(a, "key-a"))).toBe("ok");
    clock += 6 * 60_000;
    expect(await reasonOf(await token(a, "key-a"))).toBe("unknown_kid");
    expect(jwks.hits).toBe(2);
  });

  it("refuses a token signed by a key it does not hold under a known kid", async () => {
    const impostor = await keyPair("ec-p256");
    expect(await reasonOf(await token(impostor, "key-a"))).toBe("bad_signature");
  });
});
