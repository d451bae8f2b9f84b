import { type Logger, pino } from "pino";

/** One parsed JSON log line. */
export type LogLine = Record<string, unknown>;

/** A pino logger at `level` whose lines are kept, parsed, in `lines`. */
export function captureLogs(level = "info"): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino(
    { level },
    { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  );
  return { logger, lines };
}
