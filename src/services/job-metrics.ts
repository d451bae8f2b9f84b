import { Counter, Gauge, type Registry } from "prom-client";
import type { JobKind } from "../domain/job.js";
import type { JobRunner } from "./job-runner.js";

/** The job metrics, fed by the runner's batches and read from it at scrape time. */
export interface JobMetrics {
  /** For the runner's `onBatch`: counts a batch's recipients. */
  batch(kind: JobKind, done: number, failed: number): void;
  /** Reads `runner`'s running jobs at each scrape. */
  watch(runner: JobRunner): void;
}

/**
 * `notification_job_recipients_total{kind, outcome}` (recipients this
 * instance's jobs handled, `done` or `failed`; a batch repeated after a
 * takeover counts again) and `notification_jobs_running` (jobs running here).
 */
export function createJobMetrics(registry: Registry): JobMetrics {
  const recipients = new Counter({
    name: "notification_job_recipients_total",
    help: "Recipients handled by this instance's jobs, by job kind and outcome (done, failed).",
    labelNames: ["kind", "outcome"],
    registers: [registry],
  });
  let watched: JobRunner | undefined;
  new Gauge({
    name: "notification_jobs_running",
    help: "Durable jobs (topic publishes, changes by key) running on this instance.",
    registers: [registry],
    collect() {
      this.set(watched?.runningCount ?? 0);
    },
  });
  return {
    batch(kind, done, failed) {
      recipients.inc({ kind, outcome: "done" }, done);
      recipients.inc({ kind, outcome: "failed" }, failed);
    },
    watch(runner) {
      watched = runner;
    },
  };
}
