import { ConnectError } from "@connectrpc/connect";
import type { Logger } from "pino";
import { ValidationError } from "../domain/validation-error.js";
import { failureKind } from "./failure-kind.js";
import type { EntryOutcome, IngestMetrics } from "./ingest-metrics.js";
import { type IngestRequest, parseIngestRequest } from "./ingest-request.js";
import type { IngestSink, RecipientRejection } from "./ingest-sink.js";
import type { IngestSource, SourceBatch, SourceEntry } from "./ingest-source.js";

/** Options of the consumer (the `ingest.*` keys). */
export interface IngestConsumerOptions {
  /** The most entries one read asks for. */
  readonly batchSize: number;
  /** The most entries held at once: at the bound nothing more is read (backpressure). */
  readonly maxInFlight: number;
  /**
   * Entries held unacknowledged this long, in ms, by any consumer, are
   * claimed; this consumer renews what it holds three times as often.
   */
  readonly claimIdleMs: number;
  /** The longest wait between two attempts, in ms (waits double from 100 ms). */
  readonly retryMaxMs: number;
  /** Attempts at an entry failing with a fault (neither bad input nor an outage) before it is dead-lettered. */
  readonly maxAttempts: number;
  readonly logger: Logger;
  readonly metrics: IngestMetrics;
  /** The clock, in ms since the Unix epoch. */
  readonly now: () => number;
}

const firstRetryMs = 100;
/** The longest a read waits for entries before the loop looks at claims again, in ms. */
const longestReadWaitMs = 2000;
/** The most often idle entries are looked for, in ms (less often when claim_idle_ms is long). */
const longestClaimEveryMs = 5000;

/**
 * Consumes create requests from an {@link IngestSource} into an
 * {@link IngestSink}: at most `maxInFlight` entries at a time, each
 * acknowledged only after storage acknowledged what it created. Invalid
 * entries are dead-lettered (the letter and the acknowledgement in one step);
 * storage outages are retried, never dead-lettered; entries other consumers
 * left idle past `claimIdleMs` (a crashed instance's) are claimed, and the
 * entries held here are renewed so that a live instance keeps them. `stop`
 * finishes what is held within the drain time and releases the rest to the
 * other instances.
 */
export class IngestConsumer {
  private readonly tasks = new Set<Promise<void>>();
  /** Ids of the entries held now. */
  private readonly held = new Set<string>();
  /** Aborted by `stop`: no more reads, and the loop's waits end. */
  private readonly stopped = new AbortController();
  /** Aborted when the drain time is over: retries give up, leaving their entries to be released. */
  private readonly drained = new AbortController();
  private readonly claimEveryMs: number;
  private readonly readWaitMs: number;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly source: IngestSource,
    private readonly sink: IngestSink,
    private readonly options: IngestConsumerOptions,
  ) {
    this.claimEveryMs = Math.max(1, Math.min(options.claimIdleMs / 2, longestClaimEveryMs));
    this.readWaitMs = Math.max(1, Math.min(this.claimEveryMs, longestReadWaitMs));
    for (const outcome of ["stored", "replayed", "suppressed", "dead_lettered", "lost"] as const) {
      options.metrics.entries.inc({ outcome }, 0);
    }
  }

  /** Starts consuming in the background; failures to reach the broker are logged and retried. */
  start(): void {
    this.loop ??= this.run();
    this.renewTimer = setInterval(
      () => this.renew(),
      Math.max(1, Math.floor(this.options.claimIdleMs / 3)),
    );
    this.renewTimer.unref();
  }

  /** Entries held now: read, not yet acknowledged. */
  get inFlight(): number {
    return this.tasks.size;
  }

  /**
   * Stops reading at once, lets the entries held finish for up to
   * `drainMs`, then releases what is left (another instance claims it
   * without waiting for `claimIdleMs`) and closes the source. Calls after
   * the first share its promise.
   */
  stop(drainMs: number): Promise<void> {
    this.stopping ??= this.shutdown(drainMs);
    return this.stopping;
  }

  private async shutdown(drainMs: number): Promise<void> {
    const { logger } = this.options;
    this.stopped.abort();
    this.source.interrupt();
    this.wake?.();
    await this.loop;
    const deadline = setTimeout(() => this.drained.abort(), drainMs);
    await Promise.race([Promise.allSettled([...this.tasks]), aborted(this.drained.signal)]);
    clearTimeout(deadline);
    this.drained.abort();
    clearInterval(this.renewTimer);
    const unfinished = this.tasks.size;
    try {
      const released = await this.source.releaseAll();
      logger.info({ released, unfinished }, `ingestion stopped; ${released} entries released`);
    } catch (error) {
      logger.warn(
        { err: error, unfinished },
        "ingestion stopped, but the entries held could not be released: other instances claim them after ingest.claim_idle_ms",
      );
    }
    await this.source.close();
  }

  private async run(): Promise<void> {
    const { logger, metrics } = this.options;
    let opened = false;
    let announced = false;
    let failures = 0;
    let nextClaimAt = 0;
    while (!this.stopped.signal.aborted) {
      try {
        if (!opened) {
          await this.source.open();
          opened = true;
          if (!announced) logger.info(`ingesting create requests from ${this.source.description}`);
          announced = true;
        }
        await this.freeSlot();
        if (this.stopped.signal.aborted) break;
        const room = Math.min(this.options.batchSize, this.options.maxInFlight - this.tasks.size);
        if (this.options.now() >= nextClaimAt) {
          const claimed = await this.source.claim(room, this.options.claimIdleMs);
          nextClaimAt = claimed.more ? 0 : this.options.now() + this.claimEveryMs;
          const taken = this.take(claimed);
          if (taken > 0) {
            metrics.claimed.inc(taken);
            logger.info(
              { claimed: taken },
              `claimed ${taken} ingested entries left idle by a consumer`,
            );
          }
        } else {
          this.take(await this.source.read(room, this.readWaitMs));
        }
        if (failures > 0) logger.info(`ingestion reads from ${this.source.description} again`);
        failures = 0;
      } catch (error) {
        if (this.stopped.signal.aborted) break;
        failures++;
        // A stream or group deleted meanwhile is created again.
        opened = false;
        metrics.retries.inc({ reason: "broker" });
        if (failures === 1) {
          logger.warn(
            { err: error },
            `ingestion cannot read from ${this.source.description}; retrying`,
          );
        }
        await pause(this.retryDelay(failures), this.stopped.signal);
      }
    }
  }

  /** Starts work on the entries not held already; returns how many. */
  private take(batch: SourceBatch): number {
    if (batch.lost > 0) {
      this.options.metrics.entries.inc({ outcome: "lost" }, batch.lost);
      this.options.logger.warn(
        { lost: batch.lost },
        `${batch.lost} ingested entries were removed from the stream before they were stored`,
      );
    }
    let taken = 0;
    for (const entry of batch.entries) {
      // A claim can hand back an entry held here whose renewal was late.
      if (this.held.has(entry.id)) continue;
      taken++;
      this.held.add(entry.id);
      const task = this.process(entry)
        .catch((error: unknown) =>
          this.options.logger.error({ err: error, entry: entry.id }, "ingesting an entry failed"),
        )
        .finally(() => {
          this.held.delete(entry.id);
          this.tasks.delete(task);
          this.wake?.();
        });
      this.tasks.add(task);
    }
    return taken;
  }

  private async process(entry: SourceEntry): Promise<void> {
    const { logger } = this.options;
    let request: IngestRequest;
    try {
      if ("unreadable" in entry) throw new ValidationError("request", entry.unreadable);
      request = parseIngestRequest(entry.json);
    } catch (error) {
      if (error instanceof ValidationError) return this.deadLetter(entry, error.message);
      throw error;
    }
    // The producer's own key, when it sent one, else the entry's: the same
    // on every delivery either way.
    if (request.request.idempotencyKey === "")
      request.request.idempotencyKey = entry.idempotencyKey;
    for (let attempt = 1; ; attempt++) {
      let failure: unknown;
      try {
        const outcome = await this.store(request);
        if (outcome.rejected.length > 0) {
          return this.deadLetter(entry, rejectionMessage(outcome.rejected));
        }
        if (attempt > 1)
          logger.info({ entry: entry.id, attempt }, "ingested entry stored after retries");
        this.finished(entry, outcome.outcome);
        return this.acknowledge(entry);
      } catch (error) {
        failure = error;
      }
      const kind = failureKind(failure);
      if (kind === "invalid") return this.deadLetter(entry, errorText(failure));
      if (kind === "fault" && attempt >= this.options.maxAttempts) {
        logger.error(
          { err: failure, entry: entry.id, attempt },
          "ingested entry failed: dead-lettering it",
        );
        return this.deadLetter(
          entry,
          `the notification could not be stored after ${attempt} attempts (an internal error; the service log has it under entry ${entry.id})`,
        );
      }
      this.options.metrics.retries.inc({ reason: kind === "outage" ? "storage" : "fault" });
      // One line per entry and failure, not one per attempt: an outage retries every held entry.
      if (attempt === 1) {
        logger.warn(
          { err: failure, entry: entry.id },
          kind === "outage"
            ? "storage is unavailable: the ingested entry waits and is retried"
            : "storing an ingested entry failed: retrying",
        );
      }
      if (!(await pause(this.retryDelay(attempt), this.drained.signal))) return;
    }
  }

  /**
   * Stores the request. The entry's outcome: `stored` when it stored
   * anything new, else `replayed` when an earlier delivery had, else
   * `suppressed` (every user muted the category).
   */
  private async store(
    request: IngestRequest,
  ): Promise<{ outcome: EntryOutcome; rejected: readonly RecipientRejection[] }> {
    if (request.kind === "single") {
      const { kind } = await this.sink.create(request.request);
      return { outcome: kind === "created" ? "stored" : kind, rejected: [] };
    }
    const { stored, replayed, rejected } = await this.sink.createMany(request.request);
    const outcome = stored > 0 ? "stored" : replayed > 0 ? "replayed" : "suppressed";
    return { outcome, rejected };
  }

  private finished(entry: SourceEntry, outcome: EntryOutcome): void {
    const { metrics, now } = this.options;
    metrics.entries.inc({ outcome });
    if (entry.enqueuedAt !== undefined) {
      metrics.delay.observe(Math.max(0, now() - entry.enqueuedAt) / 1000);
    }
  }

  private async acknowledge(entry: SourceEntry): Promise<void> {
    try {
      await this.source.ack(entry);
    } catch (error) {
      // Left pending: it is claimed after claim_idle_ms, and its creates replay.
      // After the drain it was released anyway.
      if (this.drained.signal.aborted) return;
      this.options.logger.warn(
        { err: error, entry: entry.id },
        "could not acknowledge an ingested entry: it is delivered again after ingest.claim_idle_ms, and creates nothing new",
      );
    }
  }

  private async deadLetter(entry: SourceEntry, error: string): Promise<void> {
    const { logger, metrics } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        if (await this.source.deadLetter(entry, error)) {
          metrics.entries.inc({ outcome: "dead_lettered" });
          logger.info({ entry: entry.id, error }, "ingested entry is invalid: dead-lettered");
        }
        // Else another consumer acknowledged it first: nothing to record.
        return;
      } catch (failure) {
        metrics.retries.inc({ reason: "broker" });
        if (attempt === 1) {
          logger.warn(
            { err: failure, entry: entry.id },
            "could not dead-letter an ingested entry: retrying",
          );
        }
        if (!(await pause(this.retryDelay(attempt), this.drained.signal))) return;
      }
    }
  }

  private renew(): void {
    if (this.held.size === 0) return;
    this.source.renew([...this.held]).catch((error: unknown) =>
      // A missed renewal at worst lets another instance claim an entry, which replays.
      this.options.logger.debug({ err: error }, "could not renew the ingested entries held"),
    );
  }

  /** Resolves once fewer than `maxInFlight` entries are held, or the consumer stops. */
  private async freeSlot(): Promise<void> {
    while (this.tasks.size >= this.options.maxInFlight && !this.stopped.signal.aborted) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }

  private retryDelay(attempt: number): number {
    return Math.min(firstRetryMs * 2 ** Math.min(attempt - 1, 20), this.options.retryMaxMs);
  }
}

/** The dead letter's error for a fan-out whose parts for some users were invalid. */
function rejectionMessage(rejected: readonly RecipientRejection[]): string {
  const messages = new Set(rejected.map((r) => r.message));
  if (messages.size === 1) {
    const [message] = messages;
    return `${message} (for ${rejected.length === 1 ? "1 user" : `${rejected.length} users`})`;
  }
  const shown = rejected.slice(0, 10).map((r) => `${JSON.stringify(r.username)}: ${r.message}`);
  const more = rejected.length > 10 ? `; and ${rejected.length - 10} more` : "";
  return `${rejected.length} users got nothing: ${shown.join("; ")}${more}`;
}

/** An error's message for a dead letter, without Connect's `[code]` prefix. */
function errorText(error: unknown): string {
  if (error instanceof ConnectError) return error.rawMessage;
  return error instanceof Error ? error.message : String(error);
}

/** Waits `ms`; resolves true, or false at once when `signal` is (or becomes) aborted. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
