import { AuthFailure } from "./auth-failure.js";

/** Where a call's token may come from besides `Authorization: Bearer`. */
export interface TokenSourceOptions {
  /** The cookie that carries the token for browsers (`auth.cookie`); empty: none. Default empty. */
  readonly cookie: string;
  /**
   * Whether a cross-origin page at `origin` may send the cookie: the origins
   * of `server.cors.allowed_origins`. Default: none.
   */
  readonly isTrustedOrigin?: (origin: string) => boolean;
}

/**
 * The token of a call: `Authorization: Bearer <token>` (gRPC metadata,
 * gRPC-Web, Connect and REST all carry it as this header), else the cookie.
 * Throws AuthFailure `missing`, `malformed` (another scheme) or
 * `cross_site_cookie`. A cookie is a browser's ambient credential, so it
 * counts only when the request comes from this service's own origin or a
 * trusted one: a page elsewhere cannot act on the user's behalf by merely
 * making the browser send a request (cross-site request forgery).
 */
export function tokenOf(header: Headers, requestUrl: string, options: TokenSourceOptions): string {
  const authorization = header.get("authorization")?.trim() ?? "";
  if (authorization !== "") {
    const match = /^bearer +(\S+)$/i.exec(authorization);
    if (!match?.[1]) {
      throw new AuthFailure(
        "malformed",
        'the Authorization header must be "Bearer <token>" (one token, the Bearer scheme)',
      );
    }
    return match[1];
  }
  const fromCookie = options.cookie === "" ? undefined : cookieValue(header, options.cookie);
  if (fromCookie === undefined || fromCookie === "") {
    throw new AuthFailure(
      "missing",
      options.cookie === ""
        ? "no token: send Authorization: Bearer <token>"
        : `no token: send Authorization: Bearer <token> or the ${options.cookie} cookie`,
    );
  }
  if (!fromOwnOrTrustedOrigin(header, requestUrl, options)) {
    throw new AuthFailure(
      "cross_site_cookie",
      `the ${options.cookie} cookie is not accepted from another site; a page of an origin outside server.cors.allowed_origins must send Authorization: Bearer <token>`,
    );
  }
  return fromCookie;
}

function cookieValue(header: Headers, name: string): string | undefined {
  // Several Cookie headers may arrive joined by commas, which a cookie value never contains.
  for (const pair of (header.get("cookie") ?? "").split(/[;,]/)) {
    const at = pair.indexOf("=");
    if (at < 0 || pair.slice(0, at).trim() !== name) continue;
    const value = pair.slice(at + 1).trim();
    return value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  }
  return undefined;
}

function fromOwnOrTrustedOrigin(
  header: Headers,
  requestUrl: string,
  options: TokenSourceOptions,
): boolean {
  const origin = header.get("origin");
  if (origin === null) return header.get("sec-fetch-site") !== "cross-site";
  if (options.isTrustedOrigin?.(origin)) return true;
  try {
    return new URL(origin).host === new URL(requestUrl).host;
  } catch {
    // "null" (a sandboxed or privacy-sensitive context) and anything unparsable.
    return false;
  }
}
