import { createContextKey } from "@connectrpc/connect";
import type { JWTPayload } from "jose";
import { AuthFailure } from "./auth-failure.js";

/** Scope that lets a token create notifications for any user (producers). */
export const writeScope = "notifications:write";
/** Scope that lets a token do everything, rules included (operators). */
export const adminScope = "notifications:admin";

/** Who is calling, as their token says. */
export interface Principal {
  /** The user the token speaks for (the user claim); undefined for a token without one. */
  readonly user: string | undefined;
  /** The token's scopes. */
  readonly scopes: ReadonlySet<string>;
  /**
   * When the token stops being accepted, in ms since the Unix epoch (its `exp`
   * plus the leeway); `Infinity` when calls are not authenticated.
   */
  readonly expiresAt: number;
}

/** With `auth.mode: none` every caller is this: no user, every right, never expires. */
export const unauthenticatedPrincipal: Principal = Object.freeze({
  user: undefined,
  scopes: new Set([adminScope]),
  expiresAt: Number.POSITIVE_INFINITY,
});

/** The caller of the current call, for handlers that need it. Default: the unauthenticated principal. */
export const principalKey = createContextKey<Principal>(unauthenticatedPrincipal, {
  description: "principal",
});

/** Which claims name the user and the scopes. */
export interface ClaimNames {
  /** Default `sub`. */
  readonly user_claim: string;
  /** Default `scope`: a space-separated string or an array of strings. */
  readonly scope_claim: string;
}

/**
 * The principal of a verified token's claims. A user claim that is not a
 * non-empty string, or a scope claim that is neither a string nor an array of
 * strings, is `malformed`.
 */
export function principalOf(payload: JWTPayload, names: ClaimNames, leewayMs: number): Principal {
  const user = payload[names.user_claim];
  if (user !== undefined && (typeof user !== "string" || user === "")) {
    throw new AuthFailure(
      "malformed",
      `the token's ${names.user_claim} claim must be a non-empty string`,
    );
  }
  return {
    user,
    scopes: new Set(scopesOf(payload[names.scope_claim], names.scope_claim)),
    // jwtVerify has checked that exp is a number.
    expiresAt: (payload.exp ?? 0) * 1000 + leewayMs,
  };
}

function scopesOf(claim: unknown, name: string): string[] {
  if (claim === undefined) return [];
  if (typeof claim === "string") return claim.split(" ").filter((s) => s !== "");
  if (Array.isArray(claim) && claim.every((s) => typeof s === "string")) return claim;
  throw new AuthFailure(
    "malformed",
    `the token's ${name} claim must be a space-separated string or an array of strings`,
  );
}
