import { randomUUID } from "node:crypto";
import {
  Code,
  ConnectError,
  createContextKey,
  type HandlerContext,
  type Interceptor,
} from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";
import type { Logger } from "pino";
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
 * the implementation. Together they answer `X-Request-Id`, count open
 * streams and refuse streams over the limit, and record one log line and
 * the request metrics when the call ends.
 */
export interface CallObserver {
  readonly requestGate: (context: HandlerContext) => void;
  /** Goes first (outermost) among the interceptors, so it sees mapped errors. */
  readonly interceptor: Interceptor;
}

/** The request id of the call (`X-Request-Id`), for handlers that log. */
export const requestIdKey = createContextKey("", { description: "request id" });

interface Call {
  readonly id: string;
  readonly method: string;
  readonly protocol: string;
  readonly start: number;
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

const longestRequestId = 256;

/** Creates the request gate and interceptor that observe every call. */
export function createCallObserver(options: CallObserverOptions): CallObserver {
  const { logger, metrics, maxStreams } = options;
  let openStreams = 0;

  const finish = (call: Call, error: unknown) => {
    if (call.finished) return;
    call.finished = true;
    const seconds = (performance.now() - call.start) / 1000;
    const code = error === undefined ? "ok" : codeToString(codeOf(error));
    const labels = { method: call.method, protocol: call.protocol, code };
    metrics.rpcRequests.inc(labels);
    metrics.rpcDuration.observe(labels, seconds);
    if (call.streaming) {
      openStreams--;
      metrics.openStreams.dec({ method: call.method, protocol: call.protocol });
    }
    const line = { requestId: call.id, ...labels, durationMs: Math.round(seconds * 10_000) / 10 };
    if (error === undefined) logger.info(line, "request");
    else if (serverFaults.has(codeOf(error)))
      logger.error({ ...line, err: error }, "request failed");
    else if (pressure.has(codeOf(error)))
      logger.warn({ ...line, error: messageOf(error) }, "request");
    else logger.info({ ...line, error: messageOf(error) }, "request");
  };

  const requestGate = (context: HandlerContext) => {
    const call: Call = {
      id: requestIdOf(context.requestHeader),
      method: `${context.service.typeName}/${context.method.name}`,
      protocol: context.protocolName,
      start: performance.now(),
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

  return { requestGate, interceptor };
}

/** The request's own X-Request-Id when it sent a usable one, else a new UUID. */
export function requestIdOf(header: Headers): string {
  const sent = header.get("x-request-id");
  return sent && sent.length <= longestRequestId ? sent : randomUUID();
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
