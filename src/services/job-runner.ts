import { firstIdAt } from "../domain/ids.js";
import type { Job, JobKind } from "../domain/job.js";
import type { JobStore } from "../storage/job-store.js";

/** What a job handler did with one batch of recipients. */
export interface JobStep {
  /** The last recipient handled (the next batch starts after it); unchanged when none. */
  readonly cursor: string;
  readonly done: number;
  readonly failed: number;
  /** True when recipients follow the cursor. */
  readonly more: boolean;
}

/** Carries out jobs of one kind, batch by batch. */
export interface JobHandler {
  /** How many recipients the job has now (its total until it finishes). */
  count(job: Job): Promise<number>;
  /**
   * Handles up to `limit` recipients after `cursor` ("" for the first). Must
   * be safe to repeat: after a crash the batch after the last recorded
   * cursor runs again.
   */
  step(job: Job, cursor: string, limit: number): Promise<JobStep>;
}

/** Options of {@link JobRunner.submit}. */
export interface SubmitOptions {
  /** A job with the same id created before this (ms) is started again as its next run. */
  readonly restartBefore?: number;
  /** Start the job here at once, whatever runs already. Default false. */
  readonly now?: boolean;
}

/** How a {@link JobRunner} works (`config.producers`). */
export interface JobRunnerOptions {
  /** This instance's name in leases: unique per process. */
  readonly holder: string;
  /** How long a lease lasts; renewed with each batch. */
  readonly leaseMs: number;
  /** How often the active jobs are looked at for ones to take over, in ms. */
  readonly pollMs: number;
  /** Recipients per batch (one progress record each). */
  readonly batchSize: number;
  /** Jobs this instance carries out at once (but those started with `now`). */
  readonly jobsAtOnce: number;
  /** How long a done job's mark stays in the set of active ones, in ms. */
  readonly doneMarkMs: number;
  readonly now: () => number;
  readonly newId: () => string;
  /** Told of failures no caller sees (a batch or a poll that failed; it is retried). */
  readonly onError: (error: unknown, context: { readonly job?: string }) => void;
  /** Told of each batch's recipients done and failed (for metrics). Default: nobody. */
  readonly onBatch?: (kind: JobKind, done: number, failed: number) => void;
}

/**
 * Carries out durable jobs (contract §9.3). A job is recorded, marked in the
 * set of active jobs, and started at once by the instance that recorded it.
 * Whoever runs a job holds its lease, stored in the job and renewed with each
 * batch's progress record; every instance polls the active jobs and takes
 * over one whose lease ran out (its holder died or hung). A new holder
 * resumes after the last recorded recipient: the batch after it may run
 * twice, which the handlers make harmless (a publish's copies are idempotent
 * creates keyed by the job), so nothing is skipped and nothing is doubled.
 */
export class JobRunner {
  private readonly running = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private closed = false;

  constructor(
    private readonly store: JobStore,
    private readonly handlers: Readonly<Record<JobKind, JobHandler>>,
    private readonly options: JobRunnerOptions,
  ) {}

  /** Starts polling for jobs to take over. */
  start(): void {
    this.timer = setInterval(() => void this.poll(), this.options.pollMs);
    this.timer.unref();
    void this.poll();
  }

  /**
   * Records a job unless one with its id exists (a republish with the same
   * idempotency key), or exists but was created before `restartBefore` (ms),
   * and marks it active unless it is done. Resolves with the job as stored,
   * once it is durable: the caller compares fingerprints. The job starts here
   * at once when fewer than `jobsAtOnce` run here, or with `now` (a small
   * job the caller waits for); else the next poll (of any instance) takes it.
   */
  async submit(job: Job, { restartBefore, now = false }: SubmitOptions = {}): Promise<Job> {
    const stored = await this.store.change(job.id, {
      kind: "create",
      job,
      ...(restartBefore !== undefined && { restartBefore }),
    });
    if (!stored) throw new Error(`job ${job.id} was not stored`);
    if (stored.fingerprint === job.fingerprint && !stored.progress.finished) {
      await this.store.mark(job.id, false, this.options.newId());
      if (now || this.running.size < this.options.jobsAtOnce) void this.launch(job.id);
    }
    return stored;
  }

  /** Waits for this instance's run of the job (if any), then reads the job. */
  async settled(id: string): Promise<Job | undefined> {
    await this.running.get(id);
    return this.store.read(id);
  }

  /** Jobs running here now. */
  get runningCount(): number {
    return this.running.size;
  }

  /**
   * Stops polling and taking jobs; each running job stops after its current
   * batch and gives its lease up, so another instance continues at once.
   */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await Promise.all(this.running.values());
  }

  private launch(id: string): Promise<void> {
    const current = this.running.get(id);
    if (current || this.closed) return current ?? Promise.resolve();
    const run = this.run(id)
      .catch((error: unknown) => this.options.onError(error, { job: id }))
      .finally(() => this.running.delete(id));
    this.running.set(id, run);
    return run;
  }

  private async run(id: string): Promise<void> {
    const { holder, leaseMs, batchSize, now, newId } = this.options;
    let job = await this.store.change(id, {
      kind: "take",
      holder,
      now: now(),
      expiresAt: now() + leaseMs,
      version: newId(),
    });
    if (job?.progress.finished) await this.markDone(id);
    if (!job || job.progress.finished || job.lease?.holder !== holder) return;
    const handler = this.handlers[job.kind];
    const total = job.total > 0 ? job.total : await handler.count(job);
    while (!this.closed) {
      let step: JobStep;
      try {
        step = await handler.step(job, job.progress.cursor, batchSize);
      } catch (error) {
        // Left to a later poll (here or elsewhere), from the last recorded batch.
        await this.store.change(id, { kind: "release", holder });
        throw error;
      }
      this.options.onBatch?.(job.kind, step.done, step.failed);
      const progress = {
        cursor: step.cursor,
        done: job.progress.done + step.done,
        failed: job.progress.failed + step.failed,
        finished: !step.more,
      };
      const at = now();
      job = await this.store.change(id, {
        kind: "progress",
        holder,
        progress,
        total: progress.finished ? progress.done + progress.failed : total,
        now: at,
        expiresAt: at + leaseMs,
        version: newId(),
      });
      if (job?.progress.finished) {
        await this.markDone(id);
        return;
      }
      // Another instance took the job (this one was too slow to renew): it goes on.
      if (!job || job.lease?.holder !== holder) return;
    }
    await this.store.change(id, { kind: "release", holder });
  }

  private async markDone(id: string): Promise<void> {
    const { newId, now, doneMarkMs } = this.options;
    await Promise.all([
      this.store.mark(id, true, newId()),
      this.store.prune(firstIdAt(now() - doneMarkMs)),
    ]);
  }

  /** Takes over active jobs not running (their lease ran out, or none was taken), up to `jobsAtOnce` here. */
  private async poll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      for (const id of await this.store.activeIds()) {
        if (this.closed || this.running.size >= this.options.jobsAtOnce) break;
        if (this.running.has(id)) continue;
        const job = await this.store.read(id);
        if (!job) continue;
        if (job.progress.finished) {
          await this.markDone(id);
          continue;
        }
        const lease = job.lease;
        if (lease && lease.holder !== this.options.holder && lease.expiresAt > this.options.now()) {
          continue;
        }
        void this.launch(id);
      }
    } catch (error) {
      this.options.onError(error, {});
    } finally {
      this.polling = false;
    }
  }
}
