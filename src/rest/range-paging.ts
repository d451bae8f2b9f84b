import type { DescMessage, JsonObject, JsonValue, Message } from "@bufbuild/protobuf";
import { type Timestamp, timestampMs } from "@bufbuild/protobuf/wkt";
import { encodePositionToken } from "../domain/page-token.js";
import { pageSizes } from "../domain/paging.js";
import { readMessageField, resolveFieldPath } from "./field-path.js";
import { isJsonObject } from "./json-object.js";
import { formatContentRange, formatNextRange, type IdRange } from "./range-header.js";
import type { RangePaging } from "./rest-overrides.js";

/** The request fields a `Range` sets: the page size and, with a from-id, the page token. */
export function rangeToRequest(range: IdRange, paging: RangePaging): JsonObject {
  const fields: JsonObject = { [paging.pageSize]: range.max };
  if (range.fromId !== undefined) {
    fields[paging.pageToken] = encodePositionToken({
      fromId: range.fromId,
      inclusive: range.inclusive,
    });
  }
  return fields;
}

/**
 * The page size a list call used: the `Range` max, else the request's page
 * size with the service's default (20) and cap (1000).
 */
export function effectivePageSize(
  range: IdRange | undefined,
  paging: RangePaging,
  inputSchema: DescMessage,
  input: Message,
): number {
  if (range) return range.max;
  const requested = readField(inputSchema, input, paging.pageSize);
  const size = typeof requested === "number" && requested > 0 ? requested : pageSizes.default;
  return Math.min(size, pageSizes.max);
}

/**
 * The paging headers of a list answer (contract §3.2): `Accept-Ranges: id`;
 * for a non-empty page `Content-Range` (first and last id) and
 * `Last-Modified` (HTTP-date of the newest notification); when more items
 * follow, `Next-Range` and `Next-Page-Token` (the response's page token, for
 * `?page_token=`, so that a client need not speak `Range`).
 */
export function rangeHeaders(
  paging: RangePaging,
  outputSchema: DescMessage,
  output: Message,
  items: JsonValue,
  pageSize: number,
): Record<string, string> {
  const headers: Record<string, string> = { "accept-ranges": "id" };
  const ids = (Array.isArray(items) ? items : []).map((item) =>
    isJsonObject(item) && typeof item.id === "string" ? item.id : "",
  );
  const first = ids[0];
  const last = ids.at(-1);
  if (!first || !last) return headers;
  headers["content-range"] = formatContentRange(first, last);
  const newest = readField(outputSchema, output, paging.lastModified) as Timestamp | undefined;
  if (newest) headers["last-modified"] = new Date(timestampMs(newest)).toUTCString();
  const token = readField(outputSchema, output, paging.nextPageToken);
  if (typeof token === "string" && token !== "") {
    headers["next-range"] = formatNextRange(last, pageSize);
    headers["next-page-token"] = token;
  }
  return headers;
}

function readField(schema: DescMessage, message: Message, name: string): unknown {
  const fields = resolveFieldPath(schema, name);
  return fields ? readMessageField(message, fields) : undefined;
}
