import { Registry } from "prom-client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ValidationError } from "../../src/domain/validation-error.js";
import type {
  CreateNotificationRequest,
  CreateNotificationsRequest,
} from "../../src/gen/notification/v1/notification_pb.js";
import { IngestConsumer, type IngestConsumerOptions } from "../../src/ingest/ingest-consumer.js";
import { createIngestMetrics, type IngestMetrics } from "../../src/ingest/ingest-metrics.js";
import type { FanOutOutcome, IngestSink, SinkOutcome } from "../../src/ingest/ingest-sink.js";
import { StorageUnavailableError } from "../../src/storage/errors.js";
import { captureLogs } from "../support/log-capture.js";
import { ingestTestOptions } from "../support/module-options.js";
import { MemorySource } from "./memory-source.js";

const patiently = { timeout: 10_000, interval: 5 } as const;

/** A sink whose behaviour each test sets; it records what it stored and how many calls ran at once. */
class ScriptedSink implements IngestSink {
  readonly stored: CreateNotificationRequest[] = [];
  calls = 0;
  running = 0;
  mostRunning = 0;
  behaviour: (request: CreateNotificationRequest) => Promise<SinkOutcome> = async () => ({
    kind: "created",
  });
  fanOut: (request: CreateNotificationsRequest) => Promise<FanOutOutcome> = async (request) => ({
    stored: request.usernames.length,
    replayed: 0,
    suppressed: 0,
    rejected: [],
  });

  /**
   * Holds every create from now on until the returned function is called,
   * which lets the held ones and every later one through.
   */
  hold(): () => void {
    const held: (() => void)[] = [];
    this.behaviour = () => new Promise((resolve) => held.push(() => resolve({ kind: "created" })));
    return () => {
      this.behaviour = async () => ({ kind: "created" });
      for (const release of held.splice(0)) release();
    };
  }

  async create(request: CreateNotificationRequest): Promise<SinkOutcome> {
    this.calls++;
    this.running++;
    this.mostRunning = Math.max(this.mostRunning, this.running);
    try {
      const outcome = await this.behaviour(request);
      this.stored.push(request);
      return outcome;
    } finally {
      this.running--;
    }
  }

  createMany(request: CreateNotificationsRequest): Promise<FanOutOutcome> {
    return this.fanOut(request);
  }
}

const valid = (username: string, extra = "") =>
  `{"username":"${username}","category":"like","message":"hi"${extra}}`;

describe("IngestConsumer", () => {
  let consumer: IngestConsumer | undefined;
  afterEach(async () => {
    await consumer?.stop(0);
    consumer = undefined;
  });

  function start(
    source: MemorySource,
    sink: IngestSink,
    overrides: Partial<IngestConsumerOptions> = {},
  ) {
    const { logger, lines } = captureLogs("debug");
    const metrics = createIngestMetrics(new Registry(), {
      inFlight: () => consumer?.inFlight ?? 0,
      stats: () => source.stats(),
    });
    consumer = new IngestConsumer(source, sink, {
      ...ingestTestOptions({ retryMaxMs: 5 }),
      logger,
      metrics,
      now: Date.now,
      ...overrides,
    });
    consumer.start();
    return { consumer, metrics, lines };
  }

  async function count(metrics: IngestMetrics, outcome: string): Promise<number> {
    const { values } = await metrics.entries.get();
    return values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  }

  it("stores each entry with its idempotency key, then acknowledges it", async () => {
    const source = new MemorySource();
    const sink = new ScriptedSink();
    const { metrics } = start(source, sink);
    const a = source.push(valid("ann"));
    const b = source.push(valid("bob", ',"idempotency_key":"mine"'));
    await vi.waitFor(() => expect(source.acked).toHaveLength(2), patiently);
    expect(sink.stored.map((r) => [r.username, r.idempotencyKey])).toEqual([
      ["ann", a.idempotencyKey],
      // The producer's own key wins: it is the same on every delivery too.
      ["bob", "mine"],
    ]);
    expect(source.acked).toEqual([a.id, b.id]);
    expect(await count(metrics, "stored")).toBe(2);
  });

  it("counts a redelivery that stored nothing new as replayed", async () => {
    const source = new MemorySource();
    const sink = new ScriptedSink();
    sink.behaviour = async () => ({ kind: "replayed" });
    const { metrics } = start(source, sink);
    source.push(valid("ann"));
    await vi.waitFor(() => expect(source.acked).toHaveLength(1), patiently);
    expect(await count(metrics, "replayed")).toBe(1);
    expect(await count(metrics, "stored")).toBe(0);
  });

  it("counts an entry whose users all muted the category as suppressed", async () => {
    const source = new MemorySource();
    const sink = new ScriptedSink();
    sink.behaviour = async () => ({ kind: "suppressed" });
    sink.fanOut = async () => ({ stored: 0, replayed: 0, suppressed: 2, rejected: [] });
    const { metrics } = start(source, sink);
    source.push(valid("ann"));
    source.push('{"usernames":["ann","bob"],"category":"like","message":"hi"}');
    await vi.waitFor(() => expect(source.acked).toHaveLength(2), patiently);
    expect(await count(metrics, "suppressed")).toBe(2);
    expect(await count(metrics, "stored")).toBe(0);
  });

  it("dead-letters entries that are not requests, naming what is wrong, and stores nothing", async () => {
    const source = new MemorySource();
    const sink = new ScriptedSink();
    const { metrics, lines } = start(source, sink);
    const notJson = source.push("{bad");
    const unknownField = source.push(valid("ann", ',"bogus":1'));
    const noRequest = source.push(
      '{"other":"x"}',
      'the entry has no request field (it has "other")',
    );
    await vi.waitFor(() => expect(source.deadLetters).toHaveLength(3), patiently);
    expect(source.deadLetters).toEqual([
      { id: notJson.id, error: expect.stringMatching(/^request is not JSON: /) },
      { id: unknownField.id, error: expect.stringMatching(/key "bogus" is unknown/) },
      { id: noRequest.id, error: 'the entry has no request field (it has "other")' },
    ]);
    expect(sink.calls).toBe(0);
    expect(source.pending.size).toBe(0);
    expect(await count(metrics, "dead_lettered")).toBe(3);
    expect(lines.filter((l) => l.msg === "ingested entry is invalid: dead-lettered")).toHaveLength(
      3,
    );
  });

  it("dead-letters an entry the create path refuses, with its message naming the field", async () => {
    const source = new MemorySource();
    const sink = new ScriptedSink();
    sink.behaviour = async () => {
      throw new ValidationError("category", "category must be 3 to 20 characters (got 1)");
    };
    start(source, sink);
    const entry = source.push(valid("ann"));
    await vi.waitFor(() => expect(source.deadLetters).toHaveLength(1), patiently);
    expect(source.deadLetters[0]).toEqual({
      id: entry.id,
      error: "category must be 3 to 20 characters (got 1)",
    });
    expect(sink.calls).toBe(1);
  });

  it("waits out a storage outage and retries, never dead-lettering", async () => {
    const source = new MemorySource();
    const sink = new ScriptedSink();
    let failures = 0;
    sink.behaviour = async () => {
      // Longer than max_attempts: an outage is never counted against the entry.
      if (failures++ < 12) throw new StorageUnavailableError("no Riak node answered");
      return { kind: "created" };
    };
    const { metrics, lines } = start(source, sink, { maxAttempts: 2 });
    const entry = source.push(valid("ann"));
    await vi.waitFor(() => expect(source.acked).toEqual([entry.id]), patiently);
    expect(sink.calls).toBe(13);
    expect(sink.stored).toHaveLength(1);
    expect(source.deadLetters).toEqual([]);
    const { values } = await metrics.retries.get();
    expect(values.find((v) => v.labels.reason === "storage")?.value).toBe(12);
    // One warning for the entry, not one per attempt.
    expect(lines.filter((l) => l.level === 40 && l.entry === entry.id)).toHaveLength(1);
  });

  it("dead-letters an entry that keeps failing for another reason after max_attempts", async () => {
    const source = new MemorySource();
    const sink = new ScriptedSink();
    sink.behaviour = async () => {
      throw new TypeError("cannot read properties of undefined");
    };
    const { lines } = start(source, sink, { maxAttempts: 3 });
    const entry = source.push(valid("ann"));
    await vi.waitFor(() => expect(source.deadLetters).toHaveLength(1), patiently);
    expect(sink.calls).toBe(3);
    // The dead letter says where to look, not what failed inside.
    expect(source.deadLetters[0]?.error).toBe(
      `the notification could not be stored after 3 attempts (an internal error; the service log has it under entry ${entry.id})`,
    );
    expect(lines.some((l) => l.level === 50 && l.entry === entry.id)).toBe(true);
  });

  it("holds at most max_in_flight entries, reading no more until one is done", async () => {
    const source = new MemorySource();
    const sink = new ScriptedSink();
    const held: (() => void)[] = [];
    sink.behaviour = () => new Promise((resolve) => held.push(() => resolve({ kind: "created" })));
    const { consumer } = start(source, sink, { maxInFlight: 5, batchSize: 3 });
    for (let i = 0; i < 40; i++) source.push(valid(`u${i}`));
    await vi.waitFor(() => expect(consumer.inFlight).toBe(5), patiently);
    // Every read asked for no more than the room left.
    expect(source.readSizes.every((size) => size <= 3)).toBe(true);
    expect(source.queue).toHaveLength(35);
    expect(source.pending.size).toBe(5);
    held.shift()?.();
    await vi.waitFor(() => expect(source.acked).toHaveLength(1), patiently);
    await vi.waitFor(() => expect(source.pending.size).toBe(5), patiently);
    expect(source.queue).toHaveLength(34);
    // Let everything through.
    sink.behaviour = async () => ({ kind: "created" });
    for (const release of held.splice(0)) release();
    await vi.waitFor(() => expect(source.acked).toHaveLength(40), patiently);
    expect(sink.mostRunning).toBe(5);
  });

  it("takes claimed entries, but not one it holds already", async () => {
    const source = new MemorySource();
    const sink = new ScriptedSink();
    const release = sink.hold();
    const held = source.push(valid("ann"));
    const { metrics } = start(source, sink, { claimIdleMs: 10 });
    await vi.waitFor(() => expect(sink.calls).toBe(1), patiently);
    const orphan = { ...held, id: "99-0", idempotencyKey: "memory:99-0" };
    source.claims.push([held, orphan]);
    await vi.waitFor(() => expect(sink.calls).toBe(2), patiently);
    expect(sink.stored).toHaveLength(0);
    release();
    await vi.waitFor(() => expect(source.acked.sort()).toEqual([held.id, orphan.id]), patiently);
    expect(sink.calls).toBe(2);
    expect((await metrics.claimed.get()).values[0]?.value).toBe(1);
  });

  it("renews the entries it holds", async () => {
    const source = new MemorySource();
    const sink = new ScriptedSink();
    const release = sink.hold();
    start(source, sink, { claimIdleMs: 30 });
    const entry = source.push(valid("ann"));
    await vi.waitFor(() => expect(source.renewed).toContainEqual([entry.id]), patiently);
    release();
    await vi.waitFor(() => expect(source.acked).toEqual([entry.id]), patiently);
  });

  it("counts entries the broker lost before they were stored", async () => {
    const source = new MemorySource();
    const { metrics, lines } = start(source, new ScriptedSink());
    source.lostOnNextRead = 2;
    source.push(valid("ann"));
    await vi.waitFor(async () => expect(await count(metrics, "lost")).toBe(2), patiently);
    expect(lines.some((l) => l.level === 40 && l.lost === 2)).toBe(true);
  });

  it("keeps trying to read while the broker is down, and says so once", async () => {
    const source = new MemorySource();
    source.failure = new Error("connect ECONNREFUSED");
    const { lines } = start(source, new ScriptedSink());
    await vi.waitFor(
      () =>
        expect(lines.some((l) => l.msg?.toString().startsWith("ingestion cannot read"))).toBe(true),
      patiently,
    );
    const entry = source.push(valid("ann"));
    source.failure = undefined;
    await vi.waitFor(() => expect(source.acked).toEqual([entry.id]), patiently);
    expect(lines.filter((l) => l.msg?.toString().startsWith("ingestion cannot read"))).toHaveLength(
      1,
    );
    expect(lines.some((l) => l.msg?.toString().startsWith("ingestion reads from"))).toBe(true);
  });

  it("dead-letters a fan-out whose parts for some users were invalid, naming them", async () => {
    const source = new MemorySource();
    const sink = new ScriptedSink();
    sink.fanOut = async () => ({
      stored: 1,
      replayed: 0,
      suppressed: 0,
      rejected: [{ username: "a b", message: 'username must be 1 to 128 characters (got "a b")' }],
    });
    start(source, sink);
    const entry = source.push('{"usernames":["ann","a b"],"category":"like","message":"hi"}');
    await vi.waitFor(() => expect(source.deadLetters).toHaveLength(1), patiently);
    expect(source.deadLetters[0]).toEqual({
      id: entry.id,
      error: 'username must be 1 to 128 characters (got "a b") (for 1 user)',
    });
  });

  describe("stop", () => {
    it("finishes what it holds within the drain time, then stops reading", async () => {
      const source = new MemorySource();
      const sink = new ScriptedSink();
      const release = sink.hold();
      const { consumer } = start(source, sink);
      const entry = source.push(valid("ann"));
      await vi.waitFor(() => expect(consumer.inFlight).toBe(1), patiently);
      const stopped = consumer.stop(60_000);
      source.push(valid("bob"));
      release();
      await stopped;
      expect(source.acked).toEqual([entry.id]);
      expect(source.released).toEqual([]);
      expect(source.queue).toHaveLength(1);
      expect(source.closed).toBe(true);
    });

    it("releases what is still held when the drain time is over", async () => {
      const source = new MemorySource();
      const sink = new ScriptedSink();
      sink.behaviour = async () => {
        throw new StorageUnavailableError("no Riak node answered");
      };
      const { consumer, lines } = start(source, sink, { retryMaxMs: 50 });
      const a = source.push(valid("ann"));
      const b = source.push(valid("bob"));
      await vi.waitFor(() => expect(sink.calls).toBeGreaterThanOrEqual(2), patiently);
      await consumer.stop(20);
      expect(source.released.sort()).toEqual([a.id, b.id]);
      expect(source.deadLetters).toEqual([]);
      expect(lines.find((l) => l.msg === "ingestion stopped; 2 entries released")).toBeDefined();
      // Nothing retries after the stop.
      const calls = sink.calls;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sink.calls).toBe(calls);
    });
  });
});
