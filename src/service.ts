import type { Logger } from "pino";
import { type App, createApp } from "./app.js";
import type { Config } from "./config/config.js";
import { createRestTranscoder } from "./rest/transcoder.js";
import { errorMapping } from "./server/error-mapping.js";
import { type HttpServer, startHttpServer } from "./server/http-server.js";
import { openStore, type RiakExtras } from "./storage/open-store.js";
import { createEventBus } from "./streams/create-event-bus.js";

/** A running service: the API server over the configured store. */
export interface RunningService {
  readonly app: App;
  readonly server: HttpServer;
  /** The API port (useful when the config asked for port 0). */
  readonly port: number;
  /** Drains the server, then waits for queued writes and closes the store. */
  close(): Promise<void>;
}

/** Options that tests and embedders set beyond config.yml. */
export interface ServiceOptions {
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
  const store = await openStore(config, options.riak);
  const app = createApp(store, {
    retention: config.storage.retention,
    ruleRefreshMs: config.rules.refreshMs,
    events: createEventBus(config.redis, options.logger),
    streams: config.streams,
    ...(options.now && { now: options.now }),
  });
  let server: HttpServer;
  try {
    server = await startHttpServer({
      routes: (router) => app.routes(router),
      port: config.server.port,
      host: config.server.host,
      readMaxBytes: config.server.requestMaxBytes,
      maxTimeoutMs: config.server.maxDeadlineMs,
      fallback: (router) =>
        createRestTranscoder(router.handlers, { readMaxBytes: config.server.requestMaxBytes }),
      interceptors: [errorMapping],
      drainMs: config.server.drainMs,
    });
  } catch (error) {
    await app.close();
    throw error;
  }
  return {
    app,
    server,
    port: server.port,
    async close() {
      await server.close();
      await app.close();
    },
  };
}
