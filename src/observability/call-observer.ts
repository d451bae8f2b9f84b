import {
  Code,
  ConnectError,
  createContextKey,
  type HandlerContext,
  type Interceptor,
} from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";
import type { Logger } from "pino";
import type { Refusal } from "../server/refusal.js";
import { requestIdKey, requestIdOf } from "../server/request-id.js";
import type { Metrics } from "./metrics.js";

/** Options of {@link createCallObserver}. */
export interface CallObserverOptions {
  readonly logger: Logger;
  readonly metrics: Pick<Metrics, "rpcRequests" | "rpcDuration" | "openStreams">;
  /** Streaming calls open at once, over every connection; more are RESOURCE_EXHAUSTED. */
  readonly maxStreams: number;
}

/**
 * Watches every call: `requestGate` runs when the request headers arrive
 * (before the body is read, so calls that fail there, such as an oversized
 * message or a deadline over the limit, are seen too), `interceptor` wraps
 * the implementation, and `refused` hears of requests answered before they
 * reached either. Together they answer `X-Request-Id`, count open streams
 * and refuse streams over the limit, and record one log line and the
 * request metrics when the call ends. A call whose client left (its signal
 * aborted with CANCELED) ends `canceled`, whatever error it ended with.
 */
export interface CallObserver {
  readonly requestGate: (context: HandlerContext) => void;
  /** Goes first (outermost) among the interceptors, so it sees mapped errors. */
  readonly interceptor: Interceptor;
  /** Records a request refused before it reached a method: a log line and the request metrics. */
  readonly refused: (refusal: Refusal) => void;
}

interface Call {
  readonly id: string;
  readonly method: string;
  readonly protocol: string;
  readonly start: number;
  readonly signal: AbortSignal;
  /** The implementation was reached: the interceptor reports the end. */
  entered: boolean;
  /** Holds a slot among the open streams. */
  streaming: boolean;
  finished: boolean;
}

const callKey = createContextKey<Call | undefined>(undefined, { description: "observed call" });

// Codes that mean the server, not the caller, failed: logged as errors with their cause.
const serverFaults = new Set([Code.Unknown, Code.Internal, Code.DataLoss, Code.Unimplemented]);
// Codes that say the server is short of something: logged as warnings.
const pressure = new Set([Code.Unavailable, Code.DeadlineExceeded, Code.ResourceExhausted]);

/** Creates the request gate and interceptor that observe every call. */
export function createCallObserver(options: CallObserverOptions): CallObserver {
  const { logger, metrics, maxStreams } = options;
  let openStreams = 0;

  const record = (
    labels: { method: string; protocol: string },
    start: number,
    requestId: string,
    error: unknown,
    // Refused before a method: the caller's doing, unless the code says the server failed.
    refusal?: true,
  ) => {
    const seconds = (performance.now() - start) / 1000;
    const code = error === undefined ? "ok" : codeToString(codeOf(error));
    const counted = { method: labels.method, protocol: labels.protocol, code };
    metrics.rpcRequests.inc(counted);
    metrics.rpcDuration.observe(counted, seconds);
    const line = { requestId, ...counted, durationMs: Math.round(seconds * 10_000) / 10 };
    if (error === undefined) logger.info(line, "request");
    else if (refusal && codeOf(error) !== Code.Internal)
      logger.info({ ...line, error: messageOf(error) }, "request");
    else if (serverFaults.has(codeOf(error)))
      logger.error({ ...line, err: error }, "request failed");
    else if (pressure.has(codeOf(error)))
      logger.warn({ ...line, error: messageOf(error), ...causeOf(error) }, "request");
    else logger.info({ ...line, error: messageOf(error) }, "request");
  };

  const finish = (call: Call, error: unknown) => {
    if (call.finished) return;
    call.finished = true;
    if (call.streaming) {
      openStreams--;
      metrics.openStreams.dec({ method: call.method, protocol: call.protocol });
    }
    // The client left: whatever the call ended with on its way out (a body
    // cut short, a write that failed) follows from that.
    const { signal } = call;
    const left = error !== undefined && signal.aborted && codeOf(signal.reason) === Code.Canceled;
    const labels = { method: call.method, protocol: call.protocol };
    record(labels, call.start, call.id, left ? signal.reason : error);
  };

  const refused = (refusal: Refusal) => {
    const error = new ConnectError(
      refusal.message,
      refusal.code,
      undefined,
      undefined,
      refusal.cause,
    );
    const labels = { method: refusal.method, protocol: refusal.format };
    record(labels, refusal.startedAt, refusal.requestId, error, true);
  };

  const requestGate = (context: HandlerContext) => {
    const call: Call = {
      id:
        context.values.get(requestIdKey) || requestIdOf(context.requestHeader.get("x-request-id")),
      method: `${context.service.typeName}/${context.method.name}`,
      protocol: context.protocolName,
      start: performance.now(),
      signal: context.signal,
      entered: false,
      streaming: false,
      finished: false,
    };
    context.values.set(callKey, call);
    context.values.set(requestIdKey, call.id);
    context.responseHeader.set("x-request-id", call.id);
    // Calls that end before reaching the implementation end here, with the reason.
    context.signal.addEventListener("abort", () => {
      if (!call.entered) finish(call, context.signal.reason);
    });
    if (context.method.methodKind === "unary") return;
    if (openStreams >= maxStreams) {
      throw new ConnectError(
        `too many open streams: the server allows ${maxStreams} at a time; retry later`,
        Code.ResourceExhausted,
      );
    }
    openStreams++;
    call.streaming = true;
    metrics.openStreams.inc({ method: call.method, protocol: call.protocol });
  };

  const interceptor: Interceptor = (next) => async (req) => {
    const call = req.contextValues.get(callKey);
    if (call === undefined) return next(req);
    call.entered = true;
    try {
      const res = await next(req);
      if (!res.stream) {
        finish(call, undefined);
        return res;
      }
      return { ...res, message: observeStream(res.message, req.signal, (e) => finish(call, e)) };
    } catch (error) {
      finish(call, error);
      throw error;
    }
  };

  return { requestGate, interceptor, refused };
}

async function* observeStream<T>(
  messages: AsyncIterable<T>,
  signal: AbortSignal,
  done: (error: unknown) => void,
): AsyncIterable<T> {
  let error: unknown;
  try {
    yield* messages;
  } catch (e) {
    error = e;
    throw e;
  } finally {
    // A stream stopped from outside (cancel, deadline) ends as its signal says.
    done(error ?? (signal.aborted ? signal.reason : undefined));
  }
}

function codeOf(error: unknown): Code {
  return error instanceof ConnectError ? error.code : Code.Internal;
}

function messageOf(error: unknown): string {
  return error instanceof ConnectError ? error.rawMessage : String(error);
}

// What the caller was not told: the causes behind an error, for the log.
function causeOf(error: unknown): { cause?: string } {
  const causes: string[] = [];
  for (let e = (error as { cause?: unknown }).cause; e !== undefined && causes.length < 5; ) {
    causes.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return causes.length > 0 ? { cause: causes.join("; caused by ") } : {};
}
