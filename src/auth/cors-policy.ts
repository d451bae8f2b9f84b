import { cors as connectCors } from "@connectrpc/connect";
import type { NodeRequest, NodeResponse } from "../server/node-http.js";

/** Request headers a browser page may send: Connect's, gRPC-Web's and ours. */
export const corsAllowedHeaders: readonly string[] = [
  ...connectCors.allowedHeaders,
  "Authorization",
  "X-Request-Id",
  "Range",
  "Idempotency-Key",
];

/** Response headers a browser page may read: gRPC-Web's status, Connect's, and ours. */
export const corsExposedHeaders: readonly string[] = [
  ...connectCors.exposedHeaders,
  "X-Request-Id",
  "Next-Range",
  "Next-Page-Token",
  "Content-Range",
  "Accept-Ranges",
  "Location",
  "Allow",
  "Idempotent-Replayed",
  "WWW-Authenticate",
];

/** Methods of the RPC protocols (POST, GET) and of the REST API. */
export const corsAllowedMethods: readonly string[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/** How long a browser may cache a preflight answer, in seconds (Chromium's cap). */
export const corsMaxAgeS = 7200;

/** Cross-origin access for browser pages (`server.cors.allowed_origins`). */
export interface CorsPolicy {
  /** Whether pages of `origin` may call with credentials (it is listed by name). */
  isListed(origin: string): boolean;
  /**
   * Handles the CORS part of a request: answers a preflight itself (204 for an
   * allowed origin, 403 otherwise) and returns true; for any other request
   * sets the CORS response headers an allowed origin gets and returns false.
   */
  handle(req: NodeRequest, res: NodeResponse): boolean;
}

/**
 * The CORS policy of a list of origins as `server.cors.allowed_origins`
 * gives them (each `*` or an origin as browsers send it, in lower case, with
 * no default port); an empty list turns CORS off (no
 * preflight is answered, no header is added). A listed origin gets its own
 * name back with `Access-Control-Allow-Credentials: true` (cookies,
 * Authorization); `*` lets every other origin call without credentials.
 * Never `*` with credentials.
 */
export function createCorsPolicy(allowedOrigins: readonly string[]): CorsPolicy {
  const listed = new Set(allowedOrigins.filter((o) => o !== "*"));
  const anyOrigin = allowedOrigins.includes("*");
  const enabled = allowedOrigins.length > 0;
  const isListed = (origin: string) => listed.has(origin.toLowerCase());
  const allowHeaders = corsAllowedHeaders.join(", ");
  const exposeHeaders = corsExposedHeaders.join(", ");
  const allowMethods = corsAllowedMethods.join(", ");

  // The headers an allowed origin gets; false when the origin is not allowed.
  const allowOrigin = (res: NodeResponse, origin: string): boolean => {
    if (isListed(origin)) {
      res.setHeader("access-control-allow-origin", origin);
      res.setHeader("access-control-allow-credentials", "true");
      return true;
    }
    if (anyOrigin) {
      res.setHeader("access-control-allow-origin", "*");
      return true;
    }
    return false;
  };

  return {
    isListed,
    handle(req, res) {
      if (!enabled) return false;
      const origin = single(req.headers.origin);
      const preflight =
        req.method === "OPTIONS" && single(req.headers["access-control-request-method"]) !== "";
      if (preflight) {
        res.setHeader(
          "vary",
          "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
        );
        if (origin === "" || !allowOrigin(res, origin)) {
          res.statusCode = 403;
          res.setHeader("content-type", "text/plain; charset=utf-8");
          res.end(
            `origin ${origin === "" ? "(none)" : "not"} allowed by server.cors.allowed_origins\n`,
          );
          return true;
        }
        res.setHeader("access-control-allow-methods", allowMethods);
        res.setHeader("access-control-allow-headers", allowHeaders);
        res.setHeader("access-control-max-age", String(corsMaxAgeS));
        res.statusCode = 204;
        res.end();
        return true;
      }
      res.setHeader("vary", "Origin");
      if (origin !== "" && allowOrigin(res, origin)) {
        res.setHeader("access-control-expose-headers", exposeHeaders);
      }
      return false;
    },
  };
}

function single(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? "";
}
