import { createPrivateKey, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { SignJWT } from "jose";
import type { Config } from "../src/config/config-schema.js";

/** What `npm run token` was asked for. */
export interface TokenRequest {
  /** The user the token speaks for (the configured user claim); empty: none. */
  readonly user: string;
  /** Scopes, such as `notifications:write`. */
  readonly scopes: readonly string[];
  /** Lifetime in seconds. */
  readonly ttlS: number;
  /** A PEM private key file, needed unless `auth.jwt.secret` is set. */
  readonly privateKeyFile: string;
  /** The algorithm; default: the first configured one, else HS256 or the key's usual one. */
  readonly alg: string;
  /** The `kid` header (for a JWKS); default none. */
  readonly kid: string;
  /** The clock, in ms. */
  readonly now: number;
}

/**
 * Signs a token the service configured by `auth` accepts: with
 * `auth.jwt.secret`, or the private key whose public half the service
 * holds; carrying the configured issuer and audience, the user in the user
 * claim, the scopes in the scope claim (space-separated) and `exp`.
 */
export async function issueToken(auth: Config["auth"], request: TokenRequest): Promise<string> {
  const jwt = auth.jwt;
  let key: Uint8Array | KeyObject;
  let alg = request.alg || jwt.algorithms[0] || "";
  if (jwt.secret !== "") {
    key = new TextEncoder().encode(jwt.secret);
    alg ||= "HS256";
  } else {
    if (request.privateKeyFile === "") {
      throw new Error(
        "auth.jwt.secret is not set: give the private key that signs tokens with --private-key <pem file> (or set AUTH_JWT_SECRET)",
      );
    }
    key = createPrivateKey(await readFile(request.privateKeyFile, "utf8"));
    alg ||= usualAlgorithm(key);
  }
  const now = Math.floor(request.now / 1000);
  const claims: Record<string, unknown> = {};
  if (request.user !== "") claims[jwt.user_claim] = request.user;
  if (request.scopes.length > 0) claims[jwt.scope_claim] = request.scopes.join(" ");
  const token = new SignJWT(claims)
    .setProtectedHeader({ alg, typ: "JWT", ...(request.kid && { kid: request.kid }) })
    .setIssuedAt(now)
    .setExpirationTime(now + request.ttlS);
  if (jwt.issuer !== "") token.setIssuer(jwt.issuer);
  if (jwt.audience !== "") token.setAudience(jwt.audience);
  return token.sign(key);
}

function usualAlgorithm(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case "rsa":
      return "RS256";
    case "rsa-pss":
      return "PS256";
    case "ed25519":
      return "EdDSA";
    case "ec":
      return (
        { prime256v1: "ES256", secp384r1: "ES384", secp521r1: "ES512" }[
          key.asymmetricKeyDetails?.namedCurve ?? ""
        ] ?? "ES256"
      );
    default:
      throw new Error(`a ${key.asymmetricKeyType} key signs no JWT algorithm the service accepts`);
  }
}
