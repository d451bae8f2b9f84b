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
  /** Run on every call, first one outermost (auth headers, logging, metrics). Default none. */
  readonly interceptors?: readonly Interceptor[];
}

/** A Node.js transport for `baseUrl` (such as `http://localhost:8080`) in the chosen protocol. */
export function createTransport(baseUrl: string, options: TransportOptions = {}): Transport {
  const protocol = options.protocol ?? "connect";
  const httpVersion = options.httpVersion ?? "1.1";
  const interceptors = [...(options.interceptors ?? [])];
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
