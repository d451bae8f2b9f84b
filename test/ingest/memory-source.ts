import type {
  IngestSource,
  SourceBatch,
  SourceEntry,
  SourceStats,
} from "../../src/ingest/ingest-source.js";

/**
 * An ingestion source in memory, for the consumer's unit tests: entries are
 * pushed by the test, read in order, and what the consumer acknowledges,
 * dead-letters, renews and releases is recorded.
 */
export class MemorySource implements IngestSource {
  readonly description = "memory source";
  /** Entries not yet read. */
  readonly queue: SourceEntry[] = [];
  /** Entries handed to the consumer and not yet acknowledged. */
  readonly pending = new Map<string, SourceEntry>();
  readonly acked: string[] = [];
  readonly deadLetters: { id: string; error: string }[] = [];
  readonly renewed: string[][] = [];
  /** The `max` of every read, in order. */
  readonly readSizes: number[] = [];
  /** What the next claims return, one batch each. */
  readonly claims: SourceEntry[][] = [];
  released: string[] = [];
  /** Entries the next read reports as lost. */
  lostOnNextRead = 0;
  /** While set, reads and dead letters fail with it (a broker outage). */
  failure: Error | undefined;
  closed = false;
  private waiting: (() => void) | undefined;
  private interrupted = false;
  private nextId = 1;

  /** Adds an entry with this JSON (or, with `unreadable`, one the source cannot read). */
  push(json: string, unreadable?: string): SourceEntry {
    const id = `${this.nextId++}-0`;
    const base = { id, idempotencyKey: `memory:${id}`, original: json, enqueuedAt: undefined };
    const entry: SourceEntry =
      unreadable === undefined ? { ...base, json } : { ...base, unreadable };
    this.queue.push(entry);
    this.waiting?.();
    return entry;
  }

  async open(): Promise<void> {
    if (this.failure) throw this.failure;
  }

  async read(max: number, waitMs: number): Promise<SourceBatch> {
    this.readSizes.push(max);
    if (this.interrupted) throw new Error("interrupted");
    if (this.failure) throw this.failure;
    if (this.queue.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiting = undefined;
      if (this.interrupted) throw new Error("interrupted");
    }
    const entries = this.queue.splice(0, max);
    for (const entry of entries) this.pending.set(entry.id, entry);
    const lost = this.lostOnNextRead;
    this.lostOnNextRead = 0;
    return { entries, lost };
  }

  async claim(): Promise<SourceBatch & { more: boolean }> {
    if (this.failure) throw this.failure;
    const entries = this.claims.shift() ?? [];
    for (const entry of entries) this.pending.set(entry.id, entry);
    return { entries, lost: 0, more: false };
  }

  async ack(entry: SourceEntry): Promise<void> {
    if (this.pending.delete(entry.id)) this.acked.push(entry.id);
  }

  async deadLetter(entry: SourceEntry, error: string): Promise<boolean> {
    if (this.failure) throw this.failure;
    if (!this.pending.delete(entry.id)) return false;
    this.deadLetters.push({ id: entry.id, error });
    return true;
  }

  async renew(ids: readonly string[]): Promise<void> {
    this.renewed.push([...ids]);
  }

  async releaseAll(): Promise<number> {
    this.released = [...this.pending.keys()];
    return this.released.length;
  }

  async stats(): Promise<SourceStats> {
    return { lag: this.queue.length, pending: this.pending.size };
  }

  interrupt(): void {
    this.interrupted = true;
    this.waiting?.();
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
