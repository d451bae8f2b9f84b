import { Code, type ConnectError } from "@connectrpc/connect";

/** When and how often a subscription reconnects after its stream failed. */
export interface ReconnectOptions {
  /** The delay before the first reconnect, in ms. Default 250. */
  readonly initialDelayMs: number;
  /** The longest delay between two attempts, in ms. Default 10 000. */
  readonly maxDelayMs: number;
  /**
   * Consecutive attempts that deliver nothing before the subscription gives up
   * and throws the last error. Default `Infinity` (a subscriber stays).
   */
  readonly maxAttempts: number;
}

/** The defaults of {@link ReconnectOptions}. */
export const defaultReconnectOptions: Readonly<ReconnectOptions> = Object.freeze({
  initialDelayMs: 250,
  maxDelayMs: 10_000,
  maxAttempts: Number.POSITIVE_INFINITY,
});

/**
 * The delay before reconnect attempt `attempt` (1 for the first): exponential
 * from `initialDelayMs`, capped at `maxDelayMs`, with the upper half jittered
 * so that many clients cut off at once do not come back at once.
 */
export function reconnectDelay(
  attempt: number,
  options: ReconnectOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Whether a subscription that failed with `error` should reconnect: the server
 * asked for it (UNAVAILABLE on shutdown or a lost event feed, RESOURCE_EXHAUSTED
 * for a slow reader), or the connection broke. A broken HTTP/2 connection
 * surfaces as CANCELED and a reset HTTP/1.1 socket as ABORTED; the caller has
 * already ruled out its own cancellation. Any other code (INVALID_ARGUMENT, ...)
 * would fail again the same way.
 */
export function isReconnectable(error: ConnectError): boolean {
  switch (error.code) {
    case Code.Unavailable:
    case Code.ResourceExhausted:
    case Code.Canceled:
    case Code.Aborted:
      return true;
    default:
      return hasNetworkCause(error);
  }
}

// Node reports socket failures such as EPIPE or EHOSTUNREACH with an errno-style
// `code`; Connect wraps them as INTERNAL with the Node error as the cause.
function hasNetworkCause(error: Error): boolean {
  const seen = new Set<unknown>();
  for (let cause: unknown = error.cause; cause instanceof Error; cause = cause.cause) {
    if (seen.has(cause)) return false;
    seen.add(cause);
    const code = (cause as { code?: unknown }).code;
    if (
      typeof code === "string" &&
      /^(E[A-Z]+|ERR_HTTP2_\w+|ERR_STREAM_PREMATURE_CLOSE)$/.test(code)
    ) {
      return true;
    }
  }
  return false;
}
