import { type Logger, pino } from "pino";

/** The service's structured JSON logger (one line per event, on stdout). */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: "notification" } });
}
