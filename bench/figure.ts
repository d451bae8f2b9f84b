import type { LoadResult } from "./load-loop.js";

/** One measured figure: a row of the table and an entry of the JSON output. */
export interface Figure {
  /** Unique in a run: what two runs are compared by. */
  readonly name: string;
  /** Calls answered per second. */
  readonly opsPerSecond?: number;
  /** The no-op baseline's rate over the same protocol, measured in turns with this figure. */
  readonly baselineOpsPerSecond?: number;
  /** `opsPerSecond` over `baselineOpsPerSecond`: the share of the no-op's rate this call keeps. */
  readonly ratio?: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  /** Other values, the unit in the name (`bytesPerCreate`, `rssBytesPerSubscriber`). */
  readonly extra?: Readonly<Record<string, number>>;
  /** Calls that failed during the measured run, and the first one's message. */
  readonly errors?: number;
  readonly firstError?: string;
  /** Why the figure was not measured (a feature not there yet, a failed setup). */
  readonly skipped?: string;
}

/** A throughput figure from a load run, with its ratio to the baseline's run when given. */
export function loadFigure(name: string, result: LoadResult, baseline?: LoadResult): Figure {
  return {
    name,
    opsPerSecond: result.opsPerSecond,
    ...(baseline && {
      baselineOpsPerSecond: baseline.opsPerSecond,
      ratio: result.opsPerSecond / baseline.opsPerSecond,
    }),
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    ...(result.errors > 0 && { errors: result.errors, firstError: result.firstError ?? "" }),
  };
}
