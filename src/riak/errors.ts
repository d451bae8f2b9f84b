import { MessageCode } from "./message-codes.js";

/**
 * What went wrong with a Riak call, as far as a caller needs to know to react:
 * - `precondition`: a conditional put lost (`modified`, `match_found`);
 * - `notFound`: `if_not_modified` on a key that does not exist (`notfound`);
 * - `badRequest`: Riak refused the request itself (unknown bucket type, zero-length key,
 *   quorum above n_val, invalid props, undecodable body, a message code no Riak knows):
 *   retrying cannot help;
 * - `starting`: the node's PB listener is up but riak_kv is not, so it answers a KV
 *   request as an unknown message code (`Unknown message code: 9` to a get);
 * - `timeout`: Riak answered `timeout`, or no answer came within the call's time;
 * - `overload`: Riak shed the request (`overload`);
 * - `unavailable`: not enough replicas answered, or no node could take the call;
 * - `network`: the connection failed, closed, or carried something that is not an answer;
 * - `aborted`: the caller's AbortSignal fired;
 * - `server`: any other error text.
 */
export type RiakErrorKind =
  | "precondition"
  | "notFound"
  | "badRequest"
  | "starting"
  | "timeout"
  | "overload"
  | "unavailable"
  | "network"
  | "aborted"
  | "server";

/** Options of {@link RiakError}. */
export interface RiakErrorOptions {
  /** The `errmsg` text of an RpbErrorResp, when the server answered with one. */
  readonly errmsg?: string | undefined;
  /** `host:port` of the node the call went to, when there was one. */
  readonly node?: string | undefined;
  readonly cause?: unknown;
}

/** An error from the Riak client, classified by {@link RiakErrorKind}. */
export class RiakError extends Error {
  override readonly name = "RiakError";
  /** The server's error text; undefined when the error did not come from an RpbErrorResp. */
  readonly errmsg: string | undefined;
  /** `host:port` of the node involved; undefined for cluster-wide errors. */
  readonly node: string | undefined;

  constructor(
    readonly kind: RiakErrorKind,
    message: string,
    options: RiakErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.errmsg = options.errmsg;
    this.node = options.node;
  }
}

// The prefix of the error Riak sends before it closes the connection, for a
// body it could not decode or a vclock that is not one.
const processingErrorPrefix = "Error processing incoming message";

// riak_kv registers these codes with the PB listener only once it has
// started; until then a node answers them as codes nothing has registered.
const kvRequestCodes: ReadonlySet<number> = new Set([
  MessageCode.GetReq,
  MessageCode.PutReq,
  MessageCode.DelReq,
  MessageCode.ListKeysReq,
]);

function unknownCode(errmsg: string): number | undefined {
  const match = /^Unknown message code: (\d+)$/.exec(errmsg);
  return match === null ? undefined : Number(match[1]);
}

// Texts recorded from Riak 3.2 (test/fixtures/riak-transcripts.json), then
// the timeout, overload and replica errors of its get/put state machines and
// the answers of a node whose vnodes are not up.
const rules: readonly {
  readonly test: (errmsg: string) => boolean;
  readonly kind: RiakErrorKind;
}[] = [
  { test: (m) => m === "modified" || m === "match_found", kind: "precondition" },
  { test: (m) => m === "notfound", kind: "notFound" },
  { test: (m) => kvRequestCodes.has(unknownCode(m) ?? -1), kind: "starting" },
  {
    test: (m) =>
      m === "no_type" ||
      m.startsWith(processingErrorPrefix) ||
      m.startsWith("No bucket-type named") ||
      m.startsWith("Unknown message code") ||
      m.startsWith("Invalid bucket properties") ||
      m.startsWith("{n_val_violation") ||
      m.endsWith("cannot be zero-length"),
    kind: "badRequest",
  },
  { test: (m) => /\boverload\b/.test(m), kind: "overload" },
  { test: (m) => /\btimeout\b/.test(m), kind: "timeout" },
  {
    test: (m) =>
      /^\{(insufficient_vnodes|[pd]?[rw]_val_unsatisfied)\b/.test(m) ||
      m === "all_nodes_down" ||
      m === "insufficient_vnodes_available",
    kind: "unavailable",
  },
];

/** Classifies the `errmsg` of an RpbErrorResp. */
export function errorKindOf(errmsg: string): RiakErrorKind {
  return rules.find((rule) => rule.test(errmsg))?.kind ?? "server";
}

/**
 * The error for an RpbErrorResp from `node`. Its message is the server's
 * text, cut to the first line: the processing errors carry kilobytes of
 * Erlang stack trace (the full text stays in `errmsg`).
 */
export function errorFromResponse(errmsg: string, node: string): RiakError {
  const summary = errmsg.split("\n", 1)[0] ?? errmsg;
  return new RiakError(errorKindOf(errmsg), summary, { errmsg, node });
}

/** True when Riak closes the connection after sending this error text. */
export function closesConnection(errmsg: string): boolean {
  return errmsg.startsWith(processingErrorPrefix);
}

const retryableKinds: ReadonlySet<RiakErrorKind> = new Set([
  "starting",
  "timeout",
  "overload",
  "unavailable",
  "network",
]);

/**
 * True for errors another attempt (on another node) may not meet: a starting
 * node, network, timeout, overload, unavailable.
 */
export function isRetryable(error: unknown): boolean {
  return error instanceof RiakError && retryableKinds.has(error.kind);
}

const nodeFaultKinds: ReadonlySet<RiakErrorKind> = new Set([
  "starting",
  "timeout",
  "overload",
  "network",
  "server",
]);

/**
 * True for errors that say something about the health of the node that
 * answered: still starting, network, timeout, overload and unrecognised
 * server errors. An
 * answer such as not-found, a lost precondition or a refused request shows
 * that the node works; errors that are not RiakErrors (bugs) do not count.
 */
export function countsAgainstNode(error: unknown): boolean {
  return error instanceof RiakError && nodeFaultKinds.has(error.kind);
}

/** True when Riak refused a request because its bucket type does not exist. */
export function isUnknownBucketType(error: unknown): boolean {
  return (
    error instanceof RiakError &&
    error.errmsg !== undefined &&
    (error.errmsg === "no_type" || error.errmsg.startsWith("No bucket-type named"))
  );
}
