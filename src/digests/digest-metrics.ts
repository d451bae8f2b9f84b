import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/**
 * What became of one due digest on this instance:
 * - `sent`: the SMTP server accepted it;
 * - `empty`: nothing new, so no email (the period is done);
 * - `failed`: the server refused it; it is retried with backoff;
 * - `given_up`: refused for good, or too often; its notifications go into the next digest;
 * - `assumed_sent`: its sender stopped after handing it to the server and before
 *   recording the answer; it is taken as sent, never sent twice;
 * - `error`: storage failed; the next scan tries again.
 */
export type DigestOutcome = "sent" | "empty" | "failed" | "given_up" | "assumed_sent" | "error";

/** The digest worker's metrics. */
export interface DigestMetrics {
  /** Counts one digest's outcome. */
  outcome(outcome: DigestOutcome): void;
  /** Seconds from when a digest was due to when the server accepted it. */
  lag(seconds: number): void;
  /** Users found due and not yet done by the latest scan. */
  due(count: number): void;
}

/**
 * `notification_digest_emails_total{outcome}`, `notification_digest_lag_seconds`
 * and `notification_digest_due_users`, registered in `registry`.
 */
export function registerDigestMetrics(registry: Registry): DigestMetrics {
  const registers = [registry];
  const emails = new Counter({
    name: "notification_digest_emails_total",
    help: "Due email digests by outcome: sent, empty, failed, given_up, assumed_sent, error.",
    labelNames: ["outcome"],
    registers,
  });
  const lag = new Histogram({
    name: "notification_digest_lag_seconds",
    help: "Seconds from when an email digest was due to when the SMTP server accepted it.",
    buckets: [1, 5, 15, 30, 60, 120, 300, 900, 1800, 3600, 14_400, 86_400],
    registers,
  });
  const due = new Gauge({
    name: "notification_digest_due_users",
    help: "Users whose email digest was due and not yet done at this instance's latest scan.",
    registers,
  });
  return {
    outcome: (outcome) => emails.inc({ outcome }),
    lag: (seconds) => lag.observe(seconds),
    due: (count) => due.set(count),
  };
}
