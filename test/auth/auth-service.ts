import type { Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import { type Config, configSchema } from "../../src/config/config-schema.js";
import type { ServiceOptions } from "../../src/service.js";
import {
  type ServiceUnderTest,
  type StoreKind,
  startServiceUnderTest,
} from "../support/service-under-test.js";

/** The `auth` section from its YAML form (text values, defaults filled in). */
export function authConfig(yaml: Record<string, unknown>): Config["auth"] {
  return configSchema.parse({ auth: yaml }).auth;
}

/** A service under test with `auth` and `server.cors` set. */
export function startAuthService(
  auth: Config["auth"],
  allowedOrigins: readonly string[] = [],
  options: ServiceOptions = {},
  kind: StoreKind = "embedded",
): Promise<ServiceUnderTest> {
  return startServiceUnderTest(
    kind,
    { auth, server: { cors: { allowed_origins: [...allowedOrigins] } } },
    options,
  );
}

/** Storage calls so far (get, put, delete; not the readiness pings nor the poll for jobs). */
export async function storageCalls(sut: ServiceUnderTest): Promise<number> {
  const { values } = await sut.service.metrics.storageOperations.get();
  // Pings are readiness checks, and the jobs bucket is read by every
  // instance's poll for jobs to take over: neither is a call's doing.
  return values
    .filter((v) => v.labels.operation !== "ping" && v.labels.bucket !== "jobs")
    .reduce((sum, v) => sum + v.value, 0);
}

/** The RPC protocols a client may call with, each over the HTTP version browsers or servers use. */
export const rpcProtocols = {
  gRPC: (baseUrl: string) => createGrpcTransport({ baseUrl }),
  "gRPC-Web": (baseUrl: string) => createGrpcWebTransport({ baseUrl, httpVersion: "1.1" }),
  "Connect JSON": (baseUrl: string) =>
    createConnectTransport({ baseUrl, httpVersion: "1.1", useBinaryFormat: false }),
} satisfies Record<string, (baseUrl: string) => Transport>;

/** The name of one of `rpcProtocols`. */
export type RpcProtocol = keyof typeof rpcProtocols;

/** `Authorization: Bearer <token>`, or nothing. */
export function bearer(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}
