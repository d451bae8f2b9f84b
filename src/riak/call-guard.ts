import { RiakError } from "./errors.js";

/** How long a call, or one step of it (connect, wait for a connection, exchange), may take, and how to cancel it. */
export interface RiakCallOptions {
  /** Milliseconds before the step fails with a `timeout` RiakError. Default: no limit. */
  readonly timeoutMs?: number;
  /** Cancels the step with an `aborted` RiakError. */
  readonly signal?: AbortSignal;
}

/** The `aborted` RiakError for a call cancelled by `signal`, with its reason as cause. */
export function abortedError(node: string | undefined, signal: AbortSignal | undefined): RiakError {
  return new RiakError("aborted", "call aborted", { node, cause: signal?.reason });
}

/**
 * Makes a one-shot settle function bound to the step's timeout and
 * AbortSignal: the first of completion, timeout or abort reaches `onSettle`,
 * the timer and listener are released, and later calls return false. The
 * caller checks `signal.aborted` before starting, since an already aborted
 * signal fires no event.
 */
export function guardCall(
  node: string,
  options: RiakCallOptions,
  onSettle: (error?: RiakError) => void,
  timeoutText = (ms: number) => `timed out after ${ms} ms`,
): (error?: RiakError) => boolean {
  const { timeoutMs, signal } = options;
  let settled = false;
  const settle = (error?: RiakError) => {
    if (settled) return false;
    settled = true;
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    onSettle(error);
    return true;
  };
  const onAbort = () => settle(abortedError(node, signal));
  const timer =
    timeoutMs === undefined || !Number.isFinite(timeoutMs)
      ? undefined
      : setTimeout(
          () => settle(new RiakError("timeout", timeoutText(timeoutMs), { node })),
          // Node fires longer timers at once; no call needs 24 days.
          Math.min(Math.max(0, timeoutMs), 2 ** 31 - 1),
        );
  signal?.addEventListener("abort", onAbort, { once: true });
  return settle;
}
