import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { NodeRequest, NodeResponse } from "./node-http.js";

/** A file served from memory: its bytes, their gzip form and the headers of an answer. */
export interface StaticAsset {
  readonly body: Buffer;
  /** The gzip form, when it is smaller than the body. */
  readonly gzip: Buffer | undefined;
  /** Strong, from the body's SHA-256: the same bytes always have the same tag. */
  readonly etag: string;
  /** `Content-Type`, `Cache-Control` and any other header every answer carries. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Prepares `body` to be served: its ETag and, for text worth compressing
 * (over 1 KiB), its gzip form, made once here rather than on every request.
 */
export function staticAsset(
  body: Buffer | string,
  headers: Readonly<Record<string, string>>,
): StaticAsset {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  const gzip = bytes.length > 1024 ? gzipSync(bytes, { level: 9 }) : undefined;
  const digest = createHash("sha256").update(bytes).digest("base64url").slice(0, 27);
  return {
    body: bytes,
    gzip: gzip && gzip.length < bytes.length ? gzip : undefined,
    etag: `"${digest}"`,
    headers,
  };
}

/**
 * Answers a GET or HEAD of `asset`: 304 when `If-None-Match` names its tag,
 * else 200 with the body, gzipped when the client accepts gzip. Any other
 * method is a 405 naming GET and HEAD.
 */
export function serveAsset(req: NodeRequest, res: NodeResponse, asset: StaticAsset): void {
  if (req.method !== "GET" && req.method !== "HEAD") {
    writeText(res, 405, `${req.method} is not allowed here; use GET or HEAD`, {
      allow: "GET, HEAD",
    });
    req.resume();
    return;
  }
  for (const [name, value] of Object.entries(asset.headers)) res.setHeader(name, value);
  res.setHeader("etag", asset.etag);
  // Whether gzip is sent depends on Accept-Encoding: caches must keep both
  // forms apart, beside what CORS already varies on (Origin).
  if (asset.gzip) {
    const vary = res.getHeader("vary");
    res.setHeader("vary", vary ? `${vary}, Accept-Encoding` : "Accept-Encoding");
  }
  if (matchesEtag(req.headers["if-none-match"], asset.etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  const gzip = asset.gzip && acceptsGzip(req.headers["accept-encoding"]) ? asset.gzip : undefined;
  const body = gzip ?? asset.body;
  if (gzip) res.setHeader("content-encoding", "gzip");
  res.setHeader("content-length", body.length);
  res.statusCode = 200;
  if (req.method === "HEAD") res.end();
  else res.end(body);
}

/** Answers `status` with a line of plain text. */
export function writeText(
  res: NodeResponse,
  status: number,
  text: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  const body = Buffer.from(`${text}\n`);
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader("content-type", "text/plain; charset=utf-8");
  res.setHeader("content-length", body.length);
  res.setHeader("x-content-type-options", "nosniff");
  res.end(body);
}

// `If-None-Match: *`, or a list of tags, weak ones included (RFC 9110 §13.1.2
// compares weakly for this header).
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = [header ?? []].flat().join(",");
  return value.split(",").some((coding) => {
    const [name = "", ...params] = coding.split(";").map((part) => part.trim().toLowerCase());
    if (name !== "gzip" && name !== "*") return false;
    const q = params.find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}
