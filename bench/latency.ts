/** Latency percentiles, in milliseconds. */
export interface Latency {
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** The 50th and 99th percentiles (nearest rank) of samples in ms; NaN for none. */
export function percentiles(samplesMs: readonly number[]): Latency {
  const sorted = Float64Array.from(samplesMs).sort();
  return { p50Ms: rank(sorted, 0.5), p99Ms: rank(sorted, 0.99) };
}

function rank(sorted: Float64Array, quantile: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.ceil(quantile * sorted.length) - 1] ?? Number.NaN;
}
