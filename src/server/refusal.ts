import { Code, ConnectError } from "@connectrpc/connect";
import { errorToJsonBytes } from "@connectrpc/connect/protocol-connect";
import { setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import type { NodeResponse } from "./node-http.js";
import type { RpcProtocol } from "./rpc-protocol.js";

/** The format of a refusal: an RPC protocol's, or the REST API's. */
export type RefusalFormat = RpcProtocol | "rest";

/**
 * A request answered before it reached a service method: an unknown RPC
 * path, a method or Content-Type an RPC path does not take, a malformed
 * request, or a REST request the transcoder refused. What the caller is told
 * and what the request log and metrics record.
 */
export interface Refusal {
  /** The request's `X-Request-Id`, answered in the same header. */
  readonly requestId: string;
  /** `pkg.Service/Method` when the path names a method, else `unknown`. */
  readonly method: string;
  /** The answer's format; also the `protocol` of the log line and the metrics. */
  readonly format: RefusalFormat;
  readonly code: Code;
  /** The HTTP status of a Connect or REST answer; gRPC and gRPC-Web answer 200 with `grpc-status`. */
  readonly status: number;
  /** What was wrong, for the caller. */
  readonly message: string;
  /** Extra response headers, such as `Allow` on a 405. */
  readonly headers?: Readonly<Record<string, string>>;
  /** `performance.now()` when the request arrived. */
  readonly startedAt: number;
  /** What the log records of a server fault; never sent. */
  readonly cause?: unknown;
}

/** Receives every refusal, to log and count it. */
export type RefusalListener = (refusal: Refusal) => void;

/**
 * Answers a refusal in its format: gRPC and gRPC-Web as a trailers-only
 * response (HTTP 200, `grpc-status` and `grpc-message` in the headers), as
 * gRPC clients expect; Connect as the refusal's HTTP status with a Connect
 * error body (`{"code":"unimplemented","message":"..."}`); REST as the
 * status with `{"code": <status>, "message": "..."}`. Every answer carries
 * `X-Request-Id`. Does nothing once the response has started.
 */
export function writeRefusal(res: NodeResponse, refusal: Refusal): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | number> = {
    ...refusal.headers,
    "x-request-id": refusal.requestId,
  };
  const error = new ConnectError(refusal.message, refusal.code);
  switch (refusal.format) {
    case "grpc":
    case "grpc-web": {
      const status = setTrailerStatus(new Headers(), error);
      status.forEach((value, name) => {
        headers[name] = value;
      });
      headers["content-type"] =
        refusal.format === "grpc" ? "application/grpc" : "application/grpc-web+proto";
      if ("stream" in res) {
        // One HEADERS frame that ends the stream: only that reads as a
        // trailers-only answer to gRPC clients (grpc-go, grpc-js), not headers
        // followed by an empty DATA frame, as `end()` would send.
        res.stream.respond({ ":status": 200, ...headers }, { endStream: true });
        return;
      }
      res.writeHead(200, headers);
      res.end();
      return;
    }
    case "connect":
      writeJson(res, refusal.status, headers, errorToJsonBytes(error, {}));
      return;
    case "rest": {
      const body = JSON.stringify({ code: refusal.status, message: refusal.message });
      writeJson(res, refusal.status, headers, new TextEncoder().encode(body));
      return;
    }
  }
}

function writeJson(
  res: NodeResponse,
  status: number,
  headers: Record<string, string | number>,
  body: Uint8Array,
): void {
  headers["content-type"] = "application/json";
  headers["content-length"] = body.byteLength;
  res.writeHead(status, headers);
  res.end(body);
}

/** The code a refusal with this HTTP status carries when nothing more precise applies. */
export function codeOfStatus(status: number): Code {
  switch (status) {
    case 404:
    case 405:
    case 505:
      return Code.Unimplemented;
    case 413:
      return Code.ResourceExhausted;
    case 500:
      return Code.Internal;
    case 503:
      return Code.Unavailable;
    default:
      return status >= 400 && status < 500 ? Code.InvalidArgument : Code.Unknown;
  }
}
