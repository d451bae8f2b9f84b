import { randomUUID } from "node:crypto";
import { createContextKey } from "@connectrpc/connect";

/**
 * The request id of a call (`X-Request-Id`), set by the API handler before a
 * call reaches Connect, so that refusals, logs and error messages share it.
 * Default: empty (a router without the API handler, as in tests).
 */
export const requestIdKey = createContextKey("", { description: "request id" });

const longestRequestId = 256;

/**
 * The id a request is known by: the `X-Request-Id` it sent when that is
 * non-empty and at most 256 characters, else a new UUID.
 */
export function requestIdOf(sent: string | readonly string[] | null | undefined): string {
  const value = typeof sent === "string" ? sent : sent?.[0];
  return value && value.length <= longestRequestId ? value : randomUUID();
}
