import { decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from "jose";
import { LRUCache } from "lru-cache";
import { AuthFailure } from "./auth-failure.js";
import { type ClaimNames, type Principal, principalOf } from "./principal.js";
import {
  type KeySourceEnvironment,
  type KeySourceOptions,
  loadVerificationKey,
  type VerificationKey,
} from "./verification-key.js";

/** `auth.jwt.*`: how tokens are verified and read. */
export interface JwtOptions extends KeySourceOptions, ClaimNames {
  /** The required `iss`; empty: not checked. Default empty. */
  readonly issuer: string;
  /** The required `aud` (one of the token's); empty: not checked. Default empty. */
  readonly audience: string;
  /** Clock skew allowed for `exp` and `nbf`, in seconds. Default 30. */
  readonly leeway_s: number;
}

/** The defaults of `auth.jwt.*`. */
export const defaultJwtOptions: JwtOptions = Object.freeze({
  secret: "",
  public_key_file: "",
  jwks_file: "",
  jwks_url: "",
  jwks_refresh_ms: 30_000,
  algorithms: [],
  issuer: "",
  audience: "",
  leeway_s: 30,
  user_claim: "sub",
  scope_claim: "scope",
});

/** Checks tokens and says who they speak for. */
export interface TokenVerifier {
  /**
   * The principal of a valid token; throws AuthFailure naming what is wrong
   * (never quoting the token).
   */
  verify(token: string): Promise<Principal>;
  /** The key source, for the start-up log. */
  readonly key: VerificationKey;
}

/** Options of {@link createTokenVerifier} beyond the key source's. */
export interface TokenVerifierEnvironment extends KeySourceEnvironment {
  /** Tokens whose verification is remembered (0: none). Default 10 000. */
  readonly cacheSize?: number;
}

// How long a verified token is taken on trust, in ms: a key removed from a
// JWKS stops accepting the tokens it signed at most this much later.
const cacheTtlMs = 60_000;

// Three base64url parts; a JWE (five parts) or anything else is not a signed JWT.
const compactJws = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * A verifier over the configured key source. Every token must be signed with
 * an allowed algorithm (never `none`: an unsigned token is refused before any
 * key is looked at), carry `exp`, and match `issuer` and `audience` when set.
 *
 * A verified token's principal is remembered (up to `cacheSize` tokens, for
 * at most a minute, never past its expiry), so that a client calling again
 * with the same token does not pay for the signature check each time.
 */
export async function createTokenVerifier(
  options: JwtOptions,
  environment: TokenVerifierEnvironment = {},
): Promise<TokenVerifier> {
  const key = await loadVerificationKey(options, environment);
  const now = environment.now ?? Date.now;
  const algorithms = [...key.algorithms];
  const leewayMs = options.leeway_s * 1000;
  const cacheSize = environment.cacheSize ?? 10_000;
  const verified =
    cacheSize > 0
      ? new LRUCache<string, Principal>({
          max: cacheSize,
          // Tokens are text: about their length in bytes, bounded at 16 MiB in all.
          maxSize: 16 * 1024 * 1024,
          sizeCalculation: (_principal, token) => token.length + 200,
          ttl: cacheTtlMs,
        })
      : undefined;
  return {
    key,
    async verify(token) {
      const known = verified?.get(token);
      if (known !== undefined && known.expiresAt > now()) return known;
      const principal = await verifyToken(token);
      verified?.set(token, principal);
      return principal;
    },
  };

  async function verifyToken(token: string): Promise<Principal> {
    if (!compactJws.test(token)) {
      throw new AuthFailure(
        "malformed",
        "the token is not a signed JWT (three base64url parts separated by dots)",
      );
    }
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new AuthFailure("malformed", "the token's header is not base64url-encoded JSON");
    }
    if (typeof alg !== "string" || !algorithms.includes(alg)) {
      throw new AuthFailure(
        "algorithm_not_allowed",
        `the token's algorithm ${nameOf(alg)} is not allowed (allowed: ${algorithms.join(", ")})`,
      );
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key.key as never, {
        algorithms,
        requiredClaims: ["exp"],
        clockTolerance: options.leeway_s,
        currentDate: new Date(now()),
        ...(options.issuer !== "" && { issuer: options.issuer }),
        ...(options.audience !== "" && { audience: options.audience }),
      }));
    } catch (error) {
      throw failureOf(error);
    }
    return principalOf(payload, options, leewayMs);
  }
}

/** What a jose error means for the caller. */
function failureOf(error: unknown): unknown {
  if (error instanceof AuthFailure) return error;
  if (error instanceof errors.JWTExpired) {
    return new AuthFailure("expired", "the token has expired; get a fresh one");
  }
  if (error instanceof errors.JWTClaimValidationFailed) return claimFailure(error);
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthFailure(
      "bad_signature",
      "the token's signature does not verify with the server's key",
    );
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new AuthFailure("algorithm_not_allowed", "the token's algorithm is not allowed");
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new AuthFailure(
      "unknown_kid",
      "no signing key of the server matches the token's kid and algorithm",
    );
  }
  if (error instanceof errors.JWKSMultipleMatchingKeys) {
    return new AuthFailure(
      "unknown_kid",
      "several signing keys match the token; it must name its key with kid",
    );
  }
  if (error instanceof errors.JOSEError) {
    return new AuthFailure("malformed", "the token is not a valid signed JWT");
  }
  return error;
}

function claimFailure(error: InstanceType<typeof errors.JWTClaimValidationFailed>): AuthFailure {
  switch (error.claim) {
    case "nbf":
      if (error.reason === "check_failed") {
        return new AuthFailure(
          "not_yet_valid",
          "the token is not valid yet (nbf is in the future)",
        );
      }
      break;
    case "iss":
      return new AuthFailure("wrong_issuer", "the token's iss is not the configured issuer");
    case "aud":
      return new AuthFailure("wrong_audience", "the token's aud does not include this service");
    case "exp":
      if (error.reason === "missing") {
        return new AuthFailure(
          "missing_claim",
          "the token has no exp claim; only tokens that expire are accepted",
        );
      }
      break;
  }
  return new AuthFailure("malformed", `the token's ${error.claim} claim is not valid`);
}

/** An algorithm name to quote in a message: only a short plain name, never arbitrary input. */
function nameOf(alg: unknown): string {
  return typeof alg === "string" && /^[A-Za-z0-9]{1,16}$/.test(alg)
    ? JSON.stringify(alg)
    : "(missing or unreadable)";
}
