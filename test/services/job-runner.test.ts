import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createIdGenerator } from "../../src/domain/ids.js";
import { type Job, newJob } from "../../src/domain/job.js";
import {
  type JobHandler,
  JobRunner,
  type JobRunnerOptions,
} from "../../src/services/job-runner.js";
import { EmbeddedStore } from "../../src/storage/embedded-store.js";
import { JobStore } from "../../src/storage/job-store.js";

/**
 * A handler over the recipients "r00".."r<n-1>": each step handles up to
 * `limit` after the cursor; `gate` (when set) holds every step until opened.
 */
class CountingHandler implements JobHandler {
  readonly handled: string[] = [];
  gate: Promise<void> | undefined;
  failNext = false;
  constructor(private readonly recipients: number) {}

  async count(): Promise<number> {
    return this.recipients;
  }

  async step(_job: Job, cursor: string, limit: number) {
    await this.gate;
    if (this.failNext) {
      this.failNext = false;
      throw new Error("storage down");
    }
    const all = Array.from({ length: this.recipients }, (_, i) => `r${String(i).padStart(2, "0")}`);
    const batch = all.filter((r) => r > cursor).slice(0, limit);
    this.handled.push(...batch);
    const last = batch.at(-1);
    return {
      cursor: last ?? cursor,
      done: batch.length,
      failed: 0,
      more: last !== undefined && last < (all.at(-1) ?? ""),
    };
  }
}

/** A promise and the function that resolves it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe("JobRunner", () => {
  let dir: string;
  let store: EmbeddedStore;
  let jobs: JobStore;
  let clock: number;
  const newId = createIdGenerator();
  const runners: JobRunner[] = [];
  const errors: unknown[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "job-runner-"));
    store = await EmbeddedStore.open(dir);
    jobs = new JobStore(store);
    clock = 1_700_000_000_000;
    errors.length = 0;
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.close()));
    await jobs.idle();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const runner = (handler: JobHandler, options: Partial<JobRunnerOptions> = {}): JobRunner => {
    const made = new JobRunner(
      jobs,
      {
        publish_to_topic: handler,
        update_by_key: handler,
        delete_by_key: handler,
        read_by_key: handler,
      },
      {
        holder: `holder-${runners.length}`,
        leaseMs: 10_000,
        pollMs: 5,
        batchSize: 3,
        jobsAtOnce: 4,
        doneMarkMs: 60_000,
        now: () => clock,
        newId,
        onError: (error) => errors.push(error),
        ...options,
      },
    );
    runners.push(made);
    return made;
  };
  const job = (total = 10) =>
    newJob({
      id: newId(),
      kind: "publish_to_topic",
      target: "t",
      content: { category: "c", message: "m", properties: {}, key: "", removeProperties: [] },
      fingerprint: "f",
      total,
      now: clock,
    });

  it("runs a submitted job batch by batch to done, then drops it from the active set", async () => {
    const handler = new CountingHandler(10);
    const r = runner(handler);
    const submitted = await r.submit(job());
    const done = await r.settled(submitted.id);
    expect(done?.progress).toEqual({ cursor: "r09", done: 10, failed: 0, finished: true });
    expect(done?.total).toBe(10);
    expect(done?.lease).toBeUndefined();
    expect(handler.handled).toHaveLength(10);
    expect(await jobs.activeIds()).toEqual([]);
  });

  it("starts no more than jobs_at_once itself; the poll takes the rest once there is room", async () => {
    const handler = new CountingHandler(4);
    const held = gate();
    handler.gate = held.promise;
    const r = runner(handler, { jobsAtOnce: 1 });
    const first = await r.submit(job(4));
    const second = await r.submit(job(4));
    expect(r.runningCount).toBe(1);
    expect((await jobs.read(second.id))?.lease).toBeUndefined();
    expect(await jobs.activeIds()).toHaveLength(2);
    held.open();
    await r.settled(first.id);
    r.start();
    await vi.waitFor(async () =>
      expect((await jobs.read(second.id))?.progress.finished).toBe(true),
    );
    expect(handler.handled).toHaveLength(8);
  });

  it("another instance takes a job over once its holder's lease runs out, from its last batch", async () => {
    const slow = new CountingHandler(10);
    const a = runner(slow);
    const held = gate();
    const submitted = await a.submit(job());
    // Let a record a batch or two, then hold it (as a hung or dead instance).
    await vi.waitFor(async () =>
      expect((await jobs.read(submitted.id))?.progress.done).toBeGreaterThanOrEqual(3),
    );
    slow.gate = held.promise;
    const recorded = (await jobs.read(submitted.id))?.progress.done ?? 0;
    const fresh = new CountingHandler(10);
    const b = runner(fresh);
    b.start();
    // The lease holds: b waits.
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(fresh.handled).toEqual([]);
    clock += 10_001;
    await vi.waitFor(async () =>
      expect((await jobs.read(submitted.id))?.progress.finished).toBe(true),
    );
    const done = await jobs.read(submitted.id);
    expect(done?.progress.done).toBe(10);
    expect(fresh.handled.length).toBeLessThanOrEqual(10 - recorded + 3);
    // The old holder, let go, finds the lease gone and stops without recording.
    held.open();
    await a.settled(submitted.id);
    expect((await jobs.read(submitted.id))?.progress).toEqual(done?.progress);
  });

  it("gives its leases up on close, so another instance goes on at once", async () => {
    const handler = new CountingHandler(9);
    const held = gate();
    handler.gate = held.promise;
    const a = runner(handler);
    const submitted = await a.submit(job(9));
    const closing = a.close();
    held.open();
    await closing;
    const released = await jobs.read(submitted.id);
    expect(released?.lease).toBeUndefined();
    expect(released?.progress.finished).toBe(false);
    const b = runner(new CountingHandler(9));
    b.start();
    await vi.waitFor(async () =>
      expect((await jobs.read(submitted.id))?.progress.finished).toBe(true),
    );
  });

  it("a failed batch gives the lease up and is reported; a later poll finishes the job", async () => {
    const handler = new CountingHandler(5);
    handler.failNext = true;
    const r = runner(handler);
    const submitted = await r.submit(job(5));
    await r.settled(submitted.id);
    expect(errors).toHaveLength(1);
    expect((await jobs.read(submitted.id))?.lease).toBeUndefined();
    r.start();
    await vi.waitFor(async () =>
      expect((await jobs.read(submitted.id))?.progress.finished).toBe(true),
    );
    expect((await jobs.read(submitted.id))?.progress.done).toBe(5);
  });
});
