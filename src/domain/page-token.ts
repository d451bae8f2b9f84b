import { isKsuid } from "./ids.js";
import type { PageStart } from "./paging.js";
import { ValidationError } from "./validation-error.js";

// A token is "v1:" + ("i" inclusive | "x" exclusive) + the id, in base64url:
// opaque to callers, stable across releases because it carries a version.
const prefix = "v1:";

/** The token that continues a list below `start.fromId`. */
export function encodePageToken(start: Required<PageStart>): string {
  return Buffer.from(`${prefix}${start.inclusive ? "i" : "x"}${start.fromId}`).toString(
    "base64url",
  );
}

/** Reads a token from `encodePageToken`; the empty token is the first page. */
export function decodePageToken(token: string): PageStart {
  if (token === "") return { inclusive: true };
  const text = Buffer.from(token, "base64url").toString("utf8");
  const mode = text.charAt(prefix.length);
  const fromId = text.slice(prefix.length + 1);
  if (!text.startsWith(prefix) || (mode !== "i" && mode !== "x") || !isKsuid(fromId)) {
    throw new ValidationError(
      "page_token",
      "page_token is not a token this service issued: pass next_page_token unchanged, or empty for the first page",
    );
  }
  return { fromId, inclusive: mode === "i" };
}
