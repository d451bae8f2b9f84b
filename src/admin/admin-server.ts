import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import type { Readiness } from "../observability/readiness.js";
import type { PackageInfo } from "./package-info.js";

/** Options of the admin server. */
export interface AdminServerOptions {
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  /** Interface to bind. */
  readonly host: string;
  readonly readiness: Readiness;
  /** Served on /metrics. */
  readonly registry: Registry;
  /** Served on /version. */
  readonly packageInfo: PackageInfo;
}

/** A listening admin server. */
export interface AdminServer {
  /** The bound port. */
  readonly port: number;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

type Route = (options: AdminServerOptions) => Promise<[status: number, type: string, body: string]>;

const text = "text/plain; charset=utf-8";

// The endpoints, by path: all answer GET (and HEAD).
const routes: Record<string, Route> = {
  // The process is alive and serving HTTP.
  "/healthz": async () => [200, text, "ok\n"],
  // Storage answers a ping and the server is not draining.
  "/readyz": async ({ readiness }) =>
    (await readiness.check())
      ? [200, text, "ready\n"]
      : [503, text, `not ready: ${readiness.reason ?? "unknown"}\n`],
  "/ping": async () => [200, text, "pong\n"],
  "/version": async ({ packageInfo }) => [
    200,
    "application/json",
    `${JSON.stringify({ name: packageInfo.name, version: packageInfo.version })}\n`,
  ],
  "/metrics": async ({ registry }) => [200, registry.contentType, await registry.metrics()],
};

/**
 * The admin port (plain HTTP/1.1, `ADMIN_PORT`): `/healthz` (alive),
 * `/readyz` (200, or 503 while storage is unreachable or the server drains),
 * `/ping` (`pong`), `/version` (package name and version, JSON) and
 * `/metrics` (Prometheus text format). Other paths are 404, other methods 405.
 */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const server = createServer((req, res) => void serve(options, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function serve(
  options: AdminServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = new URL(req.url ?? "/", "http://admin").pathname;
  const route = routes[path];
  let answer: [number, string, string];
  if (!route) answer = [404, text, `no such endpoint: ${path}\n`];
  else if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("allow", "GET, HEAD");
    answer = [405, text, `${req.method} is not allowed; use GET\n`];
  } else {
    try {
      answer = await route(options);
    } catch (error) {
      answer = [500, text, `${error instanceof Error ? error.message : String(error)}\n`];
    }
  }
  const [status, type, body] = answer;
  res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
  res.end(req.method === "HEAD" ? undefined : body);
}
