import { Code, type ConnectError } from "@connectrpc/connect";

/**
 * The wait before reconnect attempt `attempt` (1 for the first), in ms:
 * doubling from `firstMs` up to `maxMs`, the upper half random, so that the
 * pages a server restart cut off do not all come back at once.
 */
export function retryDelay(
  attempt: number,
  firstMs = 250,
  maxMs = 15_000,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, firstMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Whether a stream that failed with `error` is worth opening again: the
 * server asked for it (UNAVAILABLE on shutdown, RESOURCE_EXHAUSTED for a slow
 * reader) or the network failed (a browser reports a failed or cut `fetch`
 * as UNKNOWN; a proxy's error page as INTERNAL or UNAVAILABLE). A refusal of
 * the request itself (bad input, another user's inbox, an unknown method)
 * would fail the same way again.
 */
export function isRetryable(error: ConnectError): boolean {
  switch (error.code) {
    case Code.Unavailable:
    case Code.ResourceExhausted:
    case Code.Unknown:
    case Code.Internal:
    case Code.Aborted:
    case Code.Canceled:
    case Code.DeadlineExceeded:
      return true;
    default:
      return false;
  }
}
