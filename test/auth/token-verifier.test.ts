import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthFailure, type DenialReason } from "../../src/auth/auth-failure.js";
import {
  createTokenVerifier,
  defaultJwtOptions,
  type JwtOptions,
  type TokenVerifier,
} from "../../src/auth/token-verifier.js";
import { AuthConfigError } from "../../src/auth/verification-key.js";
import {
  keyDirectory,
  keyPair,
  signToken,
  type TestKeyPair,
  testSecret,
  unsignedToken,
} from "./token-factory.js";

async function failureOf(verifier: TokenVerifier, token: string): Promise<AuthFailure> {
  const error = await verifier.verify(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthFailure);
  return error as AuthFailure;
}

const options = (overrides: Partial<JwtOptions>): JwtOptions => ({
  ...defaultJwtOptions,
  ...overrides,
});

describe("token verification with a secret", () => {
  let verifier: TokenVerifier;
  let rsa: TestKeyPair;
  beforeAll(async () => {
    verifier = await createTokenVerifier(
      options({ secret: testSecret, issuer: "https://id.example", audience: "inbox", leeway_s: 0 }),
    );
    rsa = await keyPair("rsa");
  });
  const valid = { sub: "ann", iss: "https://id.example", aud: "inbox" };

  it("accepts a valid token and reads the user and scopes", async () => {
    const token = await signToken({ claims: { ...valid, scope: "notifications:write extra" } });
    const principal = await verifier.verify(token);
    expect(principal.user).toBe("ann");
    expect([...principal.scopes]).toEqual(["notifications:write", "extra"]);
    expect(principal.expiresAt).toBeGreaterThan(Date.now());
  });

  it("accepts a scope claim given as an array, and an aud list that includes ours", async () => {
    const token = await signToken({
      claims: { ...valid, aud: ["other", "inbox"], scope: ["notifications:admin"] },
    });
    expect([...(await verifier.verify(token)).scopes]).toEqual(["notifications:admin"]);
  });

  const denials: [string, () => Promise<string>, DenialReason, RegExp][] = [
    ["not a JWT", async () => "not-a-token", "malformed", /not a signed JWT/],
    ["five parts (a JWE)", async () => "a.b.c.d.e", "malformed", /not a signed JWT/],
    ["a header that is not JSON", async () => "bm90anNvbg.e30.sig", "malformed", /header/],
    ["expired", () => signToken({ claims: valid, expiresIn: -60 }), "expired", /expired/],
    [
      "not yet valid",
      () => signToken({ claims: valid, notBefore: 600 }),
      "not_yet_valid",
      /not valid yet/,
    ],
    [
      "bad signature",
      () => signToken({ claims: valid, key: `${testSecret}-other` }),
      "bad_signature",
      /signature/,
    ],
    [
      "wrong issuer",
      () => signToken({ claims: { ...valid, iss: "https://evil.example" } }),
      "wrong_issuer",
      /iss/,
    ],
    [
      "wrong audience",
      () => signToken({ claims: { ...valid, aud: "another-service" } }),
      "wrong_audience",
      /aud/,
    ],
    ["no exp", () => signToken({ claims: valid, noExp: true }), "missing_claim", /exp/],
    [
      "exp not a number",
      () => signToken({ claims: { ...valid, exp: "tomorrow" as never } }),
      "malformed",
      /exp claim/,
    ],
    [
      "alg none",
      async () => unsignedToken(valid),
      "algorithm_not_allowed",
      /"none" is not allowed/,
    ],
    [
      "an algorithm outside the allow-list (RS256 against a secret)",
      () => signToken({ claims: valid, alg: "RS256", key: rsa.privateKey }),
      "algorithm_not_allowed",
      /"RS256" is not allowed \(allowed: HS256, HS384\)/,
    ],
    [
      "a user claim that is not a string",
      () => signToken({ claims: { ...valid, sub: 42 as never } }),
      "malformed",
      /sub claim/,
    ],
    [
      "a scope claim that is neither string nor array",
      () => signToken({ claims: { ...valid, scope: { admin: true } as never } }),
      "malformed",
      /scope claim/,
    ],
  ];

  for (const [name, token, reason, message] of denials) {
    it(`refuses ${name}: ${reason}, saying so without the token`, async () => {
      const text = await token();
      const failure = await failureOf(verifier, text);
      expect(failure.reason).toBe(reason);
      expect(failure.message).toMatch(message);
      for (const part of text.split(".").filter((p) => p.length > 8)) {
        expect(failure.message).not.toContain(part);
      }
    });
  }
});

describe("leeway", () => {
  it("accepts a token expired less than leeway_s ago, and ends it at exp + leeway", async () => {
    const verifier = await createTokenVerifier(options({ secret: testSecret, leeway_s: 30 }));
    const token = await signToken({ claims: { sub: "ann" }, expiresIn: -10 });
    const principal = await verifier.verify(token);
    const exp = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()).exp;
    expect(principal.expiresAt).toBe(exp * 1000 + 30_000);
    const older = await signToken({ claims: { sub: "ann" }, expiresIn: -40 });
    expect((await failureOf(verifier, older)).reason).toBe("expired");
  });
});

describe("claim names", () => {
  it("reads the user from auth.jwt.user_claim and scopes from auth.jwt.scope_claim", async () => {
    const verifier = await createTokenVerifier(
      options({ secret: testSecret, user_claim: "user_id", scope_claim: "permissions" }),
    );
    const token = await signToken({
      claims: { sub: "ignored", user_id: "ann", permissions: ["notifications:write"] },
    });
    const principal = await verifier.verify(token);
    expect(principal.user).toBe("ann");
    expect([...principal.scopes]).toEqual(["notifications:write"]);
  });

  it("gives a token without the user claim no user", async () => {
    const verifier = await createTokenVerifier(options({ secret: testSecret }));
    const principal = await verifier.verify(await signToken({ claims: { scope: "x" } }));
    expect(principal.user).toBeUndefined();
  });
});

describe("public key files", () => {
  let keys: Awaited<ReturnType<typeof keyDirectory>>;
  beforeAll(async () => {
    keys = await keyDirectory();
  });
  afterAll(async () => {
    await keys.close();
  });

  const cases = [
    ["rsa", "RS256", ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]],
    ["rsa", "PS384", ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]],
    ["ec-p256", "ES256", ["ES256"]],
    ["ec-p384", "ES384", ["ES384"]],
    ["ed25519", "EdDSA", ["EdDSA", "Ed25519"]],
  ] as const;
  for (const [kind, alg, family] of cases) {
    it(`verifies ${alg} with a ${kind} PEM and allows only what the key can verify`, async () => {
      const pair = await keyPair(kind);
      const file = await keys.write(`${kind}-${alg}.pem`, pair.publicPem);
      const verifier = await createTokenVerifier(options({ public_key_file: file }));
      expect(verifier.key.algorithms).toEqual(family);
      const token = await signToken({ alg, key: pair.privateKey, claims: { sub: "ann" } });
      expect((await verifier.verify(token)).user).toBe("ann");
    });
  }

  it("refuses an HMAC token signed with the public key's PEM text as the secret (key confusion)", async () => {
    const pair = await keyPair("rsa");
    const file = await keys.write("confusion.pem", pair.publicPem);
    const verifier = await createTokenVerifier(options({ public_key_file: file }));
    const forged = await signToken({ alg: "HS256", key: pair.publicPem, claims: { sub: "ann" } });
    expect((await failureOf(verifier, forged)).reason).toBe("algorithm_not_allowed");
  });

  it("refuses a token signed by another key: bad_signature", async () => {
    const [ours, theirs] = [await keyPair("ec-p256"), await keyPair("ec-p256")];
    const file = await keys.write("ours.pem", ours.publicPem);
    const verifier = await createTokenVerifier(options({ public_key_file: file }));
    const token = await signToken({ alg: "ES256", key: theirs.privateKey, claims: { sub: "a" } });
    expect((await failureOf(verifier, token)).reason).toBe("bad_signature");
  });

  it("narrows to auth.jwt.algorithms", async () => {
    const pair = await keyPair("rsa");
    const file = await keys.write("narrow.pem", pair.publicPem);
    const verifier = await createTokenVerifier(
      options({ public_key_file: file, algorithms: ["PS256"] }),
    );
    const rs = await signToken({ alg: "RS256", key: pair.privateKey, claims: { sub: "a" } });
    expect((await failureOf(verifier, rs)).reason).toBe("algorithm_not_allowed");
    const ps = await signToken({ alg: "PS256", key: pair.privateKey, claims: { sub: "a" } });
    expect((await verifier.verify(ps)).user).toBe("a");
  });
});

describe("key configuration errors name the key at fault", () => {
  let keys: Awaited<ReturnType<typeof keyDirectory>>;
  let rsaPem: string;
  let privatePem: string;
  beforeAll(async () => {
    keys = await keyDirectory();
    const pair = await keyPair("rsa");
    rsaPem = pair.publicPem;
    privatePem = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  });
  afterAll(async () => {
    await keys.close();
  });

  const problemOf = async (overrides: Partial<JwtOptions>) => {
    const error = await createTokenVerifier(options(overrides)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthConfigError);
    return (error as AuthConfigError).problems.join("\n");
  };

  it("no key source", async () => {
    expect(await problemOf({})).toMatch(/needs one of auth.jwt.secret, auth.jwt.public_key_file/);
  });
  it("two key sources", async () => {
    expect(await problemOf({ secret: testSecret, jwks_url: "http://x" })).toMatch(
      /set only one of auth.jwt.secret, auth.jwt.jwks_url/,
    );
  });
  it("a short secret", async () => {
    expect(await problemOf({ secret: "short" })).toMatch(/at least 32 bytes \(got 5\)/);
  });
  it("a secret too short for HS512", async () => {
    expect(await problemOf({ secret: testSecret, algorithms: ["HS512"] })).toMatch(
      /too short for HS512/,
    );
  });
  it("alg none in the allow-list", async () => {
    expect(await problemOf({ secret: testSecret, algorithms: ["HS256", "none"] })).toMatch(
      /"none" \(unsigned tokens\) is never accepted/,
    );
  });
  it("an HMAC algorithm with a public key", async () => {
    const file = await keys.write("pub.pem", rsaPem);
    expect(await problemOf({ public_key_file: file, algorithms: ["HS256"] })).toMatch(
      /HS256 cannot be verified with this RSA public key/,
    );
  });
  it("an RSA algorithm with a secret", async () => {
    expect(await problemOf({ secret: testSecret, algorithms: ["RS256"] })).toMatch(
      /RS256 cannot be verified with a secret/,
    );
  });
  it("a private key in public_key_file", async () => {
    const file = await keys.write("private.pem", privatePem);
    expect(await problemOf({ public_key_file: file })).toMatch(/holds a private key/);
  });
  it("a file that is not PEM, or absent", async () => {
    const file = await keys.write("junk.pem", "hello");
    expect(await problemOf({ public_key_file: file })).toMatch(/not a PEM public key/);
    expect(await problemOf({ public_key_file: `${file}.absent` })).toMatch(/cannot read the file/);
  });
  it("a JWKS file that is not a key set", async () => {
    const file = await keys.write("jwks.json", '{"nokeys": true}');
    expect(await problemOf({ jwks_file: file })).toMatch(
      /jwks_file: not a readable JSON Web Key Set/,
    );
  });
});

describe("remembered verifications", () => {
  it("never accept a token past its expiry, and never remember a refusal", async () => {
    let clock = Date.now();
    const verifier = await createTokenVerifier(options({ secret: testSecret, leeway_s: 0 }), {
      now: () => clock,
    });
    const exp = Math.floor(clock / 1000) + 10;
    const token = await signToken({ claims: { sub: "ann", exp } });
    expect((await verifier.verify(token)).user).toBe("ann");
    expect((await verifier.verify(token)).user).toBe("ann");
    clock = exp * 1000 + 1;
    expect((await failureOf(verifier, token)).reason).toBe("expired");
    clock = exp * 1000 - 5000;
    const early = await signToken({ claims: { sub: "ann", exp, nbf: exp - 3 } });
    expect((await failureOf(verifier, early)).reason).toBe("not_yet_valid");
    clock = exp * 1000 - 2000;
    expect((await verifier.verify(early)).user).toBe("ann");
  });
});
