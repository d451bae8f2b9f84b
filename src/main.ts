import { createApp } from "./app.js";
import { ConfigError, loadConfig } from "./config/load-config.js";
import { createLogger } from "./logging/logger.js";
import { errorMapping } from "./server/error-mapping.js";
import { startHttpServer } from "./server/http-server.js";
import { openStore } from "./storage/open-store.js";

/** Starts the service from `config.yml` (or `$CONFIG`) and stops it on SIGTERM or SIGINT. */
async function main(): Promise<void> {
  const config = await loadConfig(process.env.CONFIG ?? "config.yml");
  const logger = createLogger(config.log.level);
  const store = await openStore(config);
  const app = createApp(store, {
    retention: config.storage.retention,
    ruleRefreshMs: config.rules.refreshMs,
  });
  const server = await startHttpServer({
    routes: (router) => app.routes(router),
    port: config.server.port,
    host: config.server.host,
    readMaxBytes: config.server.requestMaxBytes,
    maxTimeoutMs: config.server.maxDeadlineMs,
    interceptors: [errorMapping],
    drainMs: config.server.drainMs,
  });
  logger.info(
    { port: server.port, store: config.riak.nodes ? "riak" : "embedded" },
    `notification service listening on port ${server.port}`,
  );
  const stop = async (signal: string) => {
    logger.info({ signal }, "shutting down");
    await server.close();
    await app.close();
    logger.info("stopped");
    process.exit(0);
  };
  process.once("SIGTERM", (signal) => void stop(signal));
  process.once("SIGINT", (signal) => void stop(signal));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) process.stderr.write(`config error: ${problem}\n`);
    process.exit(2);
  }
  process.stderr.write(`start-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
