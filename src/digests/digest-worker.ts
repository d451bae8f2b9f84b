import type { Logger } from "pino";
import { hourOf, type ScheduleEntry, type ScheduleIndex } from "../storage/schedule-index.js";
import type { DeliverDigest, DeliveryResult } from "./digest-delivery.js";
import type { DigestMetrics } from "./digest-metrics.js";

/** Options of a {@link DigestWorker}. */
export interface DigestWorkerOptions {
  readonly schedule: ScheduleIndex;
  readonly deliver: DeliverDigest;
  /** How often a scan starts (after the previous one ended), in ms. */
  readonly pollMs: number;
  /** Digests prepared and sent at once. */
  readonly concurrency: number;
  /** The clock, in ms. */
  readonly now: () => number;
  readonly metrics: DigestMetrics;
  readonly logger: Logger;
}

// With no watermark in storage (no worker ever finished an hour), the first
// scan reaches this far back, so that users who chose a schedule before any
// worker ran are found: a weekly period and a day.
const firstScanHours = 8 * 24;

/**
 * Finds the users whose digest is due and delivers each (contract §10). A
 * scan reads the schedule index's hours from the first one not yet scanned
 * to the end (the current hour), never every user or a key listing, and
 * delivers each entry due by now, `concurrency` at a time. An hour is passed
 * by, here and in the watermark stored for instances that start later, once
 * none of its entries needs another look. Scans run every `pollMs` from
 * {@link start}; tests call {@link scan} with a clock they move.
 */
export class DigestWorker {
  private scanFrom: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: DigestWorkerOptions) {}

  /** Scans now and then every `pollMs` until {@link stop}. */
  start(): void {
    const loop = () => {
      this.timer = undefined;
      if (this.stopped) return;
      this.running = this.scan()
        .catch((error: unknown) =>
          this.options.logger.warn(
            { err: error },
            "email digest scan failed; the next one retries",
          ),
        )
        .finally(() => {
          this.running = undefined;
          // A quarter either way, so that instances started together drift apart
          // and do not reach the same users at the same moments.
          const delay = this.options.pollMs * (0.75 + Math.random() / 2);
          if (!this.stopped) this.timer = setTimeout(loop, delay).unref();
        });
    };
    loop();
  }

  /** Stops scanning; resolves once the digests being sent are done. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One scan: every due entry delivered or found held; resolves when done. */
  async scan(): Promise<void> {
    const { schedule, now } = this.options;
    const current = hourOf(now());
    this.scanFrom ??= (await schedule.readWatermark()) ?? current - firstScanHours;
    let passable = true;
    let due = 0;
    for (let hour = this.scanFrom; hour <= current; hour++) {
      const entries = shuffle((await schedule.readHour(hour)).filter((e) => e.dueAt <= now()));
      const results = await this.deliverAll(entries);
      due += results.filter((r) => r.pending).length;
      // An hour is passed by only when it is over and so are the ones before it.
      passable &&= hour < current && results.every((r) => !r.pending);
      if (passable && hour + 1 > this.scanFrom) {
        this.scanFrom = hour + 1;
        await schedule.advanceWatermark(hour + 1);
      }
    }
    this.options.metrics.due(due);
  }

  private async deliverAll(entries: readonly ScheduleEntry[]): Promise<DeliveryResult[]> {
    const results: DeliveryResult[] = [];
    let next = 0;
    const lane = async () => {
      while (next < entries.length && !this.stopped) {
        const entry = entries[next++] as ScheduleEntry;
        results.push(await this.deliverOne(entry));
      }
    };
    await Promise.all(Array.from({ length: this.options.concurrency }, lane));
    // Entries left when stopping still need a look.
    for (let i = results.length; i < entries.length; i++) {
      results.push({ outcome: "held", pending: true });
    }
    return results;
  }

  private async deliverOne(entry: ScheduleEntry): Promise<DeliveryResult> {
    try {
      return await this.options.deliver(entry);
    } catch (error) {
      this.options.metrics.outcome("error");
      this.options.logger.warn(
        { err: error, username: entry.username },
        "email digest not delivered (storage failed); the next scan retries",
      );
      return { outcome: "error", pending: true };
    }
  }
}

/**
 * The entries in a random order: instances scanning the same hour start on
 * different users, so that they rarely claim the same one at once.
 */
function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
