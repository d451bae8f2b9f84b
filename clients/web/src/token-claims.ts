/**
 * The claims of a JWT's payload, read without verifying the token (the
 * service verifies it; the inbox only needs `exp` to refresh in time and the
 * user's name). Undefined when `token` is not a JWT with a JSON object payload.
 */
export function tokenClaims(token: string): Readonly<Record<string, unknown>> | undefined {
  const payload = token.split(".")[1];
  if (payload === undefined || !/^[A-Za-z0-9_-]+$/.test(payload)) return undefined;
  try {
    const base64 = payload.replaceAll("-", "+").replaceAll("_", "/");
    const binary = atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "="));
    const json = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    const claims: unknown = JSON.parse(json);
    return typeof claims === "object" && claims !== null && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The token's `exp` in ms since the Unix epoch, if it has a numeric one. */
export function expiresAtMs(token: string): number | undefined {
  const exp = tokenClaims(token)?.exp;
  return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : undefined;
}
