import { type TokenSourceOptions, tokenOf } from "./bearer-token.js";
import { type Principal, unauthenticatedPrincipal } from "./principal.js";
import type { TokenVerifier } from "./token-verifier.js";

/** Says who makes a call, from its request headers. */
export interface Authenticator {
  /** `none` or `jwt`, for the start-up log. */
  readonly mode: "none" | "jwt";
  /** The caller; throws AuthFailure when the credentials are missing or invalid. */
  authenticate(header: Headers, requestUrl: string): Promise<Principal>;
}

/** `auth.mode: none`: every caller may do everything. */
export const noAuthentication: Authenticator = Object.freeze({
  mode: "none" as const,
  authenticate: async () => unauthenticatedPrincipal,
});

/** `auth.mode: jwt`: the bearer token (or cookie), verified. */
export function jwtAuthentication(
  verifier: TokenVerifier,
  tokens: TokenSourceOptions,
): Authenticator {
  return {
    mode: "jwt",
    authenticate: (header, requestUrl) => verifier.verify(tokenOf(header, requestUrl, tokens)),
  };
}
