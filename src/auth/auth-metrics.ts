import { Counter, type Registry } from "prom-client";
import type { DenialReason } from "./auth-failure.js";

/**
 * `notification_auth_denials_total{reason, method}`: calls refused by the
 * authorization check, by reason (`missing`, `expired`, `forbidden`, ...)
 * and method (`pkg.Service/Method`). Returns the function that counts one.
 */
export function registerAuthMetrics(
  registry: Registry,
): (reason: DenialReason, method: string) => void {
  const denials = new Counter({
    name: "notification_auth_denials_total",
    help: "Calls refused by authentication or authorization, by reason and method.",
    labelNames: ["reason", "method"],
    registers: [registry],
  });
  return (reason, method) => denials.inc({ reason, method });
}
