import type { Logger } from "pino";
import { type App, createApp } from "./app.js";
import type { Config } from "./config/config.js";
import { createLogger } from "./logging/logger.js";
import { createIgnoredErrorReporter } from "./observability/ignored-errors.js";
import { createOperability, type Operability } from "./observability/operability.js";
import { createRestTranscoder } from "./rest/transcoder.js";
import { errorMapping } from "./server/error-mapping.js";
import { type HttpServer, startHttpServer } from "./server/http-server.js";
import { openStore, type RiakExtras } from "./storage/open-store.js";
import { createEventBus } from "./streams/create-event-bus.js";
import { registerEventBusMetrics } from "./streams/event-bus-metrics.js";

/** A running service: the API server over the configured store. */
export interface RunningService {
  readonly app: App;
  readonly server: HttpServer;
  /** The API port (useful when the config asked for port 0). */
  readonly port: number;
  /** The admin port: health, readiness, metrics. */
  readonly adminPort: number;
  /** Metrics, readiness and the logger. */
  readonly operability: Operability;
  /**
   * Drains the server (not ready from now on, streams end with UNAVAILABLE,
   * unary calls finish within `server.drain_ms`), then waits for queued
   * writes, closes the store and the admin port. Calls after the first
   * share its promise.
   */
  close(): Promise<void>;
}

/** Options that tests and embedders set beyond config.yml. */
export interface ServiceOptions {
  /** Default: JSON on stdout at `log.level`. */
  readonly logger?: Logger;
  /** The clock, in ms since the Unix epoch. */
  readonly now?: () => number;
  readonly riak?: RiakExtras;
}

/** Opens the store, wires the services and starts listening, as `config` says. */
export async function startService(
  config: Config,
  options: ServiceOptions = {},
): Promise<RunningService> {
  const ops = createOperability(config, options.logger ?? createLogger(config.log.level));
  const store = ops.observeStore(await openStore(config, ops.riakExtras(options.riak)));
  const ignored = createIgnoredErrorReporter(ops.metrics.registry, ops.logger);
  const app = createApp(store, {
    retention: config.storage.retention,
    ruleRefreshMs: config.rules.refreshMs,
    events: createEventBus(config.redis, {
      logger: ops.logger,
      onUnsubscribeFailed: (error) => ignored("redis_unsubscribe", error),
    }),
    streams: config.streams,
    observeSiblings: ops.observeSiblings,
    onRepairFailed: (bucket, error) => ignored("read_repair", error, { bucket }),
    onReadBackFailed: (error) => ignored("delete_all_read_back", error),
    ...(options.now && { now: options.now }),
  });
  registerEventBusMetrics(ops.metrics.registry, app.deps.events);
  let server: HttpServer | undefined;
  let adminPort: number;
  try {
    server = await startHttpServer({
      routes: (router) => {
        app.routes(router);
        ops.routes(router);
      },
      port: config.server.port,
      host: config.server.host,
      readMaxBytes: config.server.requestMaxBytes,
      maxTimeoutMs: config.server.maxDeadlineMs,
      fallback: (router) =>
        createRestTranscoder(router.handlers, {
          readMaxBytes: config.server.requestMaxBytes,
          onInternalError: (err) => ops.logger.error({ err }, "REST request failed"),
        }),
      requestGate: ops.requestGate,
      interceptors: [ops.interceptor, errorMapping],
      maxStreamsPerConnection: config.server.maxStreamsPerConnection,
      drainMs: config.server.drainMs,
      headersTimeoutMs: config.server.headersTimeoutMs,
    });
    adminPort = await ops.startAdmin();
  } catch (error) {
    await server?.close();
    await app.close();
    await ops.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    app,
    server,
    port: server.port,
    adminPort,
    operability: ops,
    close() {
      closing ??= (async () => {
        await ops.drain();
        await server.close();
        await app.close();
        await ops.close();
      })();
      return closing;
    },
  };
}
