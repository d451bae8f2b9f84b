import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { SourceStats } from "./ingest-source.js";

/** How an entry ended on this instance. */
export type EntryOutcome = "stored" | "replayed" | "suppressed" | "dead_lettered" | "lost";

/** Why an attempt at an entry (or a read) is retried. */
export type RetryReason = "storage" | "broker" | "fault";

/** The counters the consumer moves; the gauges read it at scrape time. */
export interface IngestMetrics {
  /** Entries finished, by `outcome`: their rate is the ingestion throughput. */
  readonly entries: Counter<"outcome">;
  /** Attempts that failed and are retried, by `reason`. */
  readonly retries: Counter<"reason">;
  /** Entries taken over from a consumer that held them too long (crashed or released). */
  readonly claimed: Counter;
  /** Seconds from the broker taking an entry to its notification being stored. */
  readonly delay: Histogram;
}

/** What the gauges read: the consumer's holdings and the broker's view of the group. */
export interface IngestGaugeSource {
  /** Entries this instance holds now. */
  inFlight(): number;
  /** The group's lag and pending entries; rejects when the broker does not answer. */
  stats(): Promise<SourceStats>;
}

/**
 * Registers the ingestion metrics (`notification_ingest_*`): counters and a
 * histogram the consumer moves, and gauges read at scrape time: entries in
 * flight here, the group's lag (entries not yet read by any instance) and
 * pending entries (read, not yet acknowledged). While the broker does not
 * answer, lag and pending keep their last values.
 */
export function createIngestMetrics(registry: Registry, source: IngestGaugeSource): IngestMetrics {
  const registers = [registry];
  new Gauge({
    name: "notification_ingest_in_flight",
    help: "Ingested entries this instance holds now (read, not yet acknowledged).",
    registers,
    collect() {
      this.set(source.inFlight());
    },
  });
  // One broker call per scrape serves both gauges.
  let latest: Promise<SourceStats | undefined> | undefined;
  const stats = () => {
    latest ??= source
      .stats()
      .catch(() => undefined)
      .finally(() => {
        latest = undefined;
      });
    return latest;
  };
  new Gauge({
    name: "notification_ingest_lag",
    help: "Entries of the ingest stream that no instance has read yet.",
    registers,
    async collect() {
      const lag = (await stats())?.lag;
      if (lag !== undefined) this.set(lag);
    },
  });
  new Gauge({
    name: "notification_ingest_pending",
    help: "Entries of the ingest stream read by an instance and not yet acknowledged.",
    registers,
    async collect() {
      const current = await stats();
      if (current) this.set(current.pending);
    },
  });
  return {
    entries: new Counter({
      name: "notification_ingest_entries_total",
      help: "Ingested entries finished, by outcome (stored, replayed, suppressed, dead_lettered, lost).",
      labelNames: ["outcome"],
      registers,
    }),
    retries: new Counter({
      name: "notification_ingest_retries_total",
      help: "Failed ingestion attempts that are retried, by reason (storage, broker, fault).",
      labelNames: ["reason"],
      registers,
    }),
    claimed: new Counter({
      name: "notification_ingest_claimed_total",
      help: "Ingested entries taken over after another consumer held them too long.",
      registers,
    }),
    delay: new Histogram({
      name: "notification_ingest_delay_seconds",
      help: "Seconds from the broker taking an entry to its notification being stored.",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    }),
  };
}
