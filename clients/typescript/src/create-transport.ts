import type { Interceptor, Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";

/** The wire protocols the service speaks, all on one port. */
export type Protocol = "grpc" | "connect" | "grpc-web";

/** How to reach the service. */
export interface TransportOptions {
  /** Default `"connect"`. */
  readonly protocol?: Protocol;
  /**
   * The HTTP version for Connect and gRPC-Web: `"1.1"` (default) passes any
   * proxy; `"2"` multiplexes every call over one connection (h2c on `http://`).
   * gRPC always uses HTTP/2.
   */
  readonly httpVersion?: "1.1" | "2";
  /** Run on every call, first one outermost (logging, metrics). Default none. */
  readonly interceptors?: readonly Interceptor[];
  /**
   * The token sent as `Authorization: Bearer <token>` on every call: a
   * string, or a function asked before every call (so it can return a fresh
   * one when the last has expired). Default none (a service with
   * `auth.mode: none`).
   */
  readonly token?: TokenSource;
}

/** A token, or a function that returns the current one. */
export type TokenSource = string | (() => string | Promise<string>);

/** A Node.js transport for `baseUrl` (such as `http://localhost:8080`) in the chosen protocol. */
export function createTransport(baseUrl: string, options: TransportOptions = {}): Transport {
  const protocol = options.protocol ?? "connect";
  const httpVersion = options.httpVersion ?? "1.1";
  const interceptors = [...(options.interceptors ?? [])];
  if (options.token !== undefined) interceptors.push(bearerToken(options.token));
  switch (protocol) {
    case "grpc":
      return createGrpcTransport({ baseUrl, interceptors });
    case "connect":
      return createConnectTransport({ baseUrl, httpVersion, interceptors });
    case "grpc-web":
      return createGrpcWebTransport({ baseUrl, httpVersion, interceptors });
    default:
      throw new TypeError(
        `protocol must be "grpc", "connect" or "grpc-web" (got ${JSON.stringify(protocol)})`,
      );
  }
}

/** Sets `Authorization: Bearer` on every call, asking `token` each time when it is a function. */
export function bearerToken(token: TokenSource): Interceptor {
  return (next) => async (req) => {
    const value = typeof token === "string" ? token : await token();
    req.header.set("authorization", `Bearer ${value}`);
    return next(req);
  };
}
