import { isKsuid } from "./ids.js";
import type { PageStart } from "./paging.js";
import { ValidationError } from "./validation-error.js";

// A token is, in base64url, "v2:" + ("i" inclusive | "x" exclusive) + the id
// + the fingerprint of the filter it was issued with (contract §7.3): opaque
// to callers, stable across releases because it carries a version. A "v1:"
// token (no fingerprint: what earlier releases issued, and what a REST
// `Range` header names) is a bare position, valid with any filter.
const current = "v2:";
const bare = "v1:";
const idLength = 27;

/** The token that continues a list below `start.fromId`, for the filter with `fingerprint`. */
export function encodePageToken(start: Required<PageStart>, fingerprint: string): string {
  const mode = start.inclusive ? "i" : "x";
  return Buffer.from(`${current}${mode}${start.fromId}${fingerprint}`).toString("base64url");
}

/** A token naming a position only, such as a `Range` header's `<from>`: valid with any filter. */
export function encodePositionToken(start: Required<PageStart>): string {
  return Buffer.from(`${bare}${start.inclusive ? "i" : "x"}${start.fromId}`).toString("base64url");
}

/**
 * Reads a token from `encodePageToken` or `encodePositionToken`; the empty
 * token is the first page. A token issued for another filter than the one
 * with `fingerprint` is refused: its position belongs to another listing.
 */
export function decodePageToken(token: string, fingerprint: string): PageStart {
  if (token === "") return { inclusive: true };
  const text = Buffer.from(token, "base64url").toString("utf8");
  const version = text.slice(0, current.length);
  const mode = text.charAt(current.length);
  const fromId = text.slice(current.length + 1, current.length + 1 + idLength);
  const rest = text.slice(current.length + 1 + idLength);
  const known = version === current ? rest !== "" : version === bare && rest === "";
  if (!known || (mode !== "i" && mode !== "x") || !isKsuid(fromId)) {
    throw new ValidationError(
      "page_token",
      "page_token is not a token this service issued: pass next_page_token unchanged, or empty for the first page",
    );
  }
  if (version === current && rest !== fingerprint) {
    throw new ValidationError(
      "page_token",
      "page_token was issued for another filter: page with the filter the first page was listed with, or start again without a page_token",
    );
  }
  return { fromId, inclusive: mode === "i" };
}
