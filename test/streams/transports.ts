import type { Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";

/** Every protocol and HTTP version a client may subscribe over, by name. */
export const transports = {
  "gRPC over h2c": (baseUrl) => createGrpcTransport({ baseUrl }),
  "gRPC-Web over HTTP/1.1": (baseUrl) => createGrpcWebTransport({ baseUrl, httpVersion: "1.1" }),
  "Connect over HTTP/1.1": (baseUrl) => createConnectTransport({ baseUrl, httpVersion: "1.1" }),
  "Connect over h2c": (baseUrl) => createConnectTransport({ baseUrl, httpVersion: "2" }),
} satisfies Record<string, (baseUrl: string) => Transport>;

/** The name of one of `transports`. */
export type TransportName = keyof typeof transports;

/** Every transport name. */
export const transportNames = Object.keys(transports) as TransportName[];
