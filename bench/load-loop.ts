import { performance } from "node:perf_hooks";
import { type Latency, percentiles } from "./latency.js";

/** How long and how hard to drive a call. */
export interface LoadOptions {
  /** Calls in flight at once (a closed loop: each worker waits for its answer). */
  readonly concurrency: number;
  /** Measured time, in ms. */
  readonly durationMs: number;
  /** Time driven first and not measured (JIT, connections, caches), in ms. */
  readonly warmupMs: number;
}

/** What a measured run did. */
export interface LoadResult extends Latency {
  /** Calls answered without error per second of measured time. */
  readonly opsPerSecond: number;
  readonly calls: number;
  readonly errors: number;
  /** The first error's message, to tell a broken scenario from a slow one. */
  readonly firstError: string | undefined;
}

/** A call to drive; gets a sequence number, counted across phases, to spread work (users round-robin). */
export type Call = (sequence: number) => Promise<unknown>;

interface Samples {
  readonly latencies: number[];
  readonly errors: unknown[];
  seconds: number;
}

/** Drives `call` from `concurrency` workers: warm-up first, then the measured run. */
export async function runLoad(call: Call, options: LoadOptions): Promise<LoadResult> {
  const [result] = await runInterleaved([call], options);
  return result as LoadResult;
}

/**
 * Drives calls to be compared in turns (a, b, a, b, ...) within the measured
 * time, so that load from elsewhere on the machine falls on each alike.
 * Warms each up first. One result per call, in order.
 *
 * @param rounds turns per call; one for a single call.
 */
export async function runInterleaved(
  calls: readonly Call[],
  options: LoadOptions,
  rounds = calls.length > 1 ? 4 : 1,
): Promise<LoadResult[]> {
  let sequence = 0;
  const next = () => sequence++;
  for (const call of calls) await drive(call, next, options.concurrency, options.warmupMs);
  const samples = calls.map(() => ({ latencies: [], errors: [], seconds: 0 }) as Samples);
  const turnMs = options.durationMs / rounds;
  for (let round = 0; round < rounds; round++) {
    for (const [i, call] of calls.entries()) {
      await drive(call, next, options.concurrency, turnMs, samples[i]);
    }
  }
  return samples.map(summarize);
}

async function drive(
  call: Call,
  next: () => number,
  concurrency: number,
  ms: number,
  samples?: Samples,
): Promise<void> {
  const started = performance.now();
  const end = started + ms;
  const worker = async () => {
    while (performance.now() < end) {
      const start = performance.now();
      try {
        await call(next());
        samples?.latencies.push(performance.now() - start);
      } catch (error) {
        samples?.errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (samples) samples.seconds += (performance.now() - started) / 1000;
}

function summarize(samples: Samples): LoadResult {
  const first = samples.errors[0];
  return {
    opsPerSecond: samples.latencies.length / samples.seconds,
    calls: samples.latencies.length + samples.errors.length,
    errors: samples.errors.length,
    firstError:
      first === undefined ? undefined : first instanceof Error ? first.message : String(first),
    ...percentiles(samples.latencies),
  };
}
