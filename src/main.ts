import { ConfigError } from "./config/config-error.js";
import { loadConfig } from "./config/load-config.js";
import { createLogger } from "./logging/logger.js";
import { startService } from "./service.js";

/**
 * Starts the service from `config.yml` (or `$CONFIG`) and stops it on
 * SIGTERM or SIGINT. Exits 2 on a bad configuration (one line per problem on
 * stderr), 1 when start-up or shutdown fails, 0 after a clean shutdown.
 */
async function main(): Promise<void> {
  const config = await loadConfig(process.env.CONFIG ?? "config.yml");
  const logger = createLogger(config.log.level);
  const service = await startService(config, { logger });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    try {
      await service.close();
    } catch (error) {
      logger.error({ err: error }, "shutdown failed");
      process.exit(1);
    }
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", (signal) => void stop(signal));
  process.on("SIGINT", (signal) => void stop(signal));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) process.stderr.write(`config error: ${problem}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `start-up failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
