// The service under benchmark, in a process of its own (as in production): the
// real service from `startService` over a fresh embedded store or the Riak
// test node, and beside it a second instance of the same one-port server,
// with the same per-call observer (request ids, logs, metrics) and
// interceptors, serving only the no-op baseline. `startService` takes no
// extra routes, so the baseline cannot share its listener; a no-op's cost
// does not depend on which other services a router holds. Started by
// service-host.ts; argv[2] is the Riak node list or "", argv[3] the
// retention or "" (the default), argv[4] more configuration as JSON
// (ConfigOverrides).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig } from "../src/config/config-schema.js";
import { createLogger } from "../src/logging/logger.js";
import { createCallObserver } from "../src/observability/call-observer.js";
import { createMetrics } from "../src/observability/metrics.js";
import { errorMapping } from "../src/server/error-mapping.js";
import { startHttpServer } from "../src/server/http-server.js";
import { httpServerOptions, startService } from "../src/service.js";
import { type ConfigOverrides, mergeConfig } from "../test/support/service-under-test.js";
import { answerParent } from "./child-process.js";
import { BenchService, noopImpl } from "./noop-service.js";

const dataDir = await mkdtemp(join(tmpdir(), "notification-bench-"));
const retention = Number(process.argv[3] || defaultConfig.storage.retention);
const config = mergeConfig(JSON.parse(process.argv[4] || "{}") as ConfigOverrides, {
  // The state-event figures end a subscription per call, each a stream reset
  // that the rapid-reset guard would count against the bench's connection.
  server: { port: 0, admin_port: 0, host: "127.0.0.1", max_stream_resets: 1_000_000 },
  storage: { data_dir: dataDir, retention },
  riak: { nodes: process.argv[2] ?? "" },
});
const service = await startService(config);
const observer = createCallObserver({
  logger: createLogger(config.log.level),
  metrics: createMetrics(),
  maxStreams: config.server.max_streams,
});
// The server options of startService, but the routes.
const baseline = await startHttpServer({
  ...httpServerOptions(config),
  routes: (router) => router.service(BenchService, noopImpl),
  port: 0,
  requestGate: observer.requestGate,
  interceptors: [observer.interceptor, errorMapping],
});

answerParent(
  { port: service.port, baselinePort: baseline.port },
  {
    async memory() {
      // Twice: the first pass can leave finalizer-held garbage for the second.
      globalThis.gc?.();
      globalThis.gc?.();
      return process.memoryUsage();
    },
  },
  async () => {
    await Promise.all([baseline.close(), service.close()]);
    await rm(dataDir, { recursive: true, force: true });
  },
);
