import { decodeMemberCursor, encodeMemberCursor, type MemberPosition } from "./member-position.js";
import { checkUsername } from "./validation.js";
import { ValidationError } from "./validation-error.js";

// A token is "s1:" + a member cursor, in base64url: opaque to callers, and
// versioned so that it can change.
const prefix = "s1:";

/** The token of the subscriber page after `last`. */
export function encodeSubscriberToken(last: MemberPosition): string {
  return Buffer.from(`${prefix}${encodeMemberCursor(last)}`).toString("base64url");
}

/** Reads a token from {@link encodeSubscriberToken}; throws a ValidationError naming page_token. */
export function decodeSubscriberToken(token: string): MemberPosition {
  const text = Buffer.from(token, "base64url").toString("utf8");
  const at = text.startsWith(prefix) ? decodeMemberCursor(text.slice(prefix.length)) : undefined;
  if (at && isUsername(at.member)) return at;
  throw new ValidationError(
    "page_token",
    "page_token is not a token this service issued: pass next_page_token unchanged, or empty for the first page",
  );
}

function isUsername(value: string): boolean {
  try {
    checkUsername(value);
    return true;
  } catch {
    return false;
  }
}
