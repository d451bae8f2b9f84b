import type { NotificationClientOptions } from "../src/index.js";

/** Each protocol the client speaks, by name, for `describe.each` and `it.each`. */
export const protocols: [string, NotificationClientOptions][] = [
  ["grpc", { protocol: "grpc" }],
  ["connect", { protocol: "connect" }],
  ["grpc-web", { protocol: "grpc-web" }],
];
