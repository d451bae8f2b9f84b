import {
  createServer as createHttp1Server,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import {
  constants,
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
  type ServerHttp2Session,
} from "node:http2";
import type { AddressInfo, Socket } from "node:net";
import {
  Code,
  ConnectError,
  type ConnectRouter,
  type HandlerContext,
  type Interceptor,
} from "@connectrpc/connect";
import { createApiHandler } from "./api-handler.js";
import { BoundedHttp2Request } from "./bounded-http2-request.js";
import { createDefaultDeadline } from "./default-deadline.js";
import { trackHttp1Calls } from "./http1-drain.js";
import { guardHttp2Session } from "./http2-session-guard.js";
import { apiJsonOptions } from "./json-options.js";
import type { NodeHandler } from "./node-http.js";
import { createOnePortListener } from "./one-port-listener.js";
import type { RefusalListener } from "./refusal.js";

/** Options of the API server. */
export interface HttpServerOptions {
  /** Registers the services. */
  readonly routes: (router: ConnectRouter) => void;
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  /** Interface to bind. */
  readonly host: string;
  /** Largest request message, in bytes. */
  readonly readMaxBytes: number;
  /** Largest deadline a client may ask for, in ms; 0 = no limit. */
  readonly maxTimeoutMs: number;
  /** Outermost first. */
  readonly interceptors: readonly Interceptor[];
  /** Runs for every call once its headers arrive, before the body is read; may throw a ConnectError. */
  readonly requestGate?: (context: HandlerContext) => void | Promise<void>;
  /** Calls one HTTP/2 connection may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS). */
  readonly maxStreamsPerConnection: number;
  /**
   * Builds the handler of what no RPC path matches (the REST API) over the
   * router the RPCs run on, so both share one code path; default 404.
   */
  readonly fallback?: (router: ConnectRouter) => NodeHandler;
  /** How long `close` lets in-flight calls finish before cutting connections, in ms. */
  readonly drainMs: number;
  /** How long an HTTP/1.1 client may take to send a request's headers, in ms. */
  readonly headersTimeoutMs: number;
  /**
   * How long a client may take to send a request's body once its headers
   * arrived, in ms (HTTP/2: each stream; HTTP/1.1: the whole request within
   * `headersTimeoutMs` plus this). Requests that are streams of messages
   * (client and bidi streaming, such as gRPC reflection) are not timed.
   */
  readonly bodyTimeoutMs: number;
  /** A connection with no call in progress for this long is closed, in ms. */
  readonly idleTimeoutMs: number;
  /** The deadline of a unary call whose client set none, in ms. */
  readonly defaultDeadlineMs: number;
  /** Streams one HTTP/2 connection may reset within `streamResetWindowMs`. */
  readonly maxStreamResets: number;
  /** The window of `maxStreamResets`, in ms. */
  readonly streamResetWindowMs: number;
  /** Told once when an HTTP/2 connection is closed for resetting too many streams. */
  readonly onTooManyResets?: (remoteAddress: string | undefined, resets: number) => void;
  /** Told of every request refused before it reached a method (to log and count it). Default: none. */
  readonly onRefused?: RefusalListener;
  /**
   * Runs first for every request, on every path (CORS); returns true when it
   * has answered the request itself (a preflight). Default: none.
   */
  readonly beforeRouting?: (
    req: Parameters<NodeHandler>[0],
    res: Parameters<NodeHandler>[1],
  ) => boolean;
}

/** A listening API server. */
export interface HttpServer {
  /** The bound port. */
  readonly port: number;
  /** Aborted when the server starts draining: streams end and clients reconnect. */
  readonly shutdownSignal: AbortSignal;
  /**
   * Stops accepting connections, ends streams with UNAVAILABLE, lets unary
   * calls finish within `drainMs`, then closes every connection.
   */
  close(): Promise<void>;
}

/**
 * Serves gRPC, gRPC-Web and Connect (and whatever `fallback` serves) on one
 * port over HTTP/1.1 and cleartext HTTP/2, through one Connect handler.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const shutdown = new AbortController();
  const defaultDeadline = createDefaultDeadline(options.defaultDeadlineMs);
  // Paths of the methods whose request is a stream of messages: their body
  // stays open by design, so the body timeout does not apply.
  const streamingRequests = new Set<string>();
  const handler = createApiHandler({
    routes: (router) => {
      options.routes(router);
      for (const { method, requestPath } of router.handlers) {
        if (method.methodKind === "client_streaming" || method.methodKind === "bidi_streaming") {
          streamingRequests.add(requestPath);
        }
      }
    },
    interceptors: [...options.interceptors, defaultDeadline.interceptor],
    readMaxBytes: options.readMaxBytes,
    maxTimeoutMs: options.maxTimeoutMs,
    shutdownSignal: shutdown.signal,
    jsonOptions: apiJsonOptions,
    ...(options.fallback && { fallback: options.fallback }),
    ...(options.onRefused && { onRefused: options.onRefused }),
    requestGate: async (context) => {
      // A call that arrives while draining (a kept-alive HTTP/1.1 client, a
      // connection that spoke only after the drain began) is refused before
      // it runs, so that nothing is executed that might not be answered. It
      // is not logged: the request log's gate would wait for the end of a
      // call whose signal the shutdown has already aborted.
      if (shutdown.signal.aborted) {
        throw new ConnectError(
          "the server is shutting down; retry on another instance",
          Code.Unavailable,
        );
      }
      defaultDeadline.requestGate(context);
      await options.requestGate?.(context);
    },
  });
  const serve: NodeHandler = options.beforeRouting
    ? (req, res) => {
        if (!options.beforeRouting?.(req, res)) handler(req, res);
      }
    : handler;
  const headersTimeout = options.headersTimeoutMs;
  const bodyTimeout = options.bodyTimeoutMs;
  const http1 = createHttp1Server({
    headersTimeout,
    requestTimeout: headersTimeout + bodyTimeout,
    keepAliveTimeout: options.idleTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, headersTimeout),
  });
  // Node's HTTP/1.1 server starts checking its connections (headersTimeout,
  // requestTimeout: a client that trickles its headers is cut off) on its
  // "listening" event, which it never sees here because the one-port
  // listener does the listening. Starting the checks by hand gives the
  // handed-over sockets the same protection. Long responses (server streams)
  // are not affected: only receiving the request is timed.
  http1.emit("listening");
  const http1Calls = trackHttp1Calls(http1);
  http1.on("request", (req, res) => {
    if (hasUsableAuthority(req, res)) serve(req, res);
  });
  const http2 = createHttp2Server(
    {
      settings: { maxConcurrentStreams: options.maxStreamsPerConnection },
      Http2ServerRequest: BoundedHttp2Request,
    },
    (req, res) => {
      endUnreadRequest(req);
      if (!hasUsableAuthority(req, res)) return;
      if (req instanceof BoundedHttp2Request && !streamingRequests.has(pathOf(req.url))) {
        // An envelope's 5 bytes over the largest message: a larger body is refused anyway.
        req.limitBody({ timeoutMs: bodyTimeout, holdBytes: options.readMaxBytes + 5 });
      }
      serve(req, res);
    },
  );
  const sockets = new Set<Socket>();
  const sessions = new Set<Http2Session>();
  http2.on("session", (session: ServerHttp2Session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
    guardHttp2Session(session, {
      idleTimeoutMs: options.idleTimeoutMs,
      maxStreamResets: options.maxStreamResets,
      streamResetWindowMs: options.streamResetWindowMs,
      onTooManyResets: (tooMany, resets) =>
        options.onTooManyResets?.(tooMany.socket?.remoteAddress, resets),
    });
    // A connection accepted before the drain whose preface came after it.
    if (shutdown.signal.aborted) session.close();
  });
  const listener = createOnePortListener(http1, http2);
  listener.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    listener.once("error", reject);
    listener.listen(options.port, options.host, () => {
      listener.off("error", reject);
      resolve();
    });
  });
  const { drainMs } = options;
  let closing: Promise<void> | undefined;
  return {
    port: (listener.address() as AddressInfo).port,
    shutdownSignal: shutdown.signal,
    close() {
      closing ??= drain();
      return closing;
    },
  };

  async function drain(): Promise<void> {
    const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
    shutdown.abort(new ConnectError("the server is shutting down", Code.Unavailable));
    // HTTP/2 clients get a GOAWAY with the last stream id this server took:
    // they retry later streams elsewhere. HTTP/1.1 connections close as
    // soon as their calls have answered.
    for (const session of sessions) session.close();
    http1Calls.drain();
    // Stops the connection checks started above; the server never listened itself.
    http1.close();
    const deadline = setTimeout(() => {
      for (const socket of sockets) socket.destroy();
    }, drainMs);
    await closed;
    clearTimeout(deadline);
    for (const socket of sockets) socket.destroy();
  }
}

// The Connect adapter builds each request's URL from its Host header (HTTP/2:
// :authority) and throws, outside any promise, when there is none or it does
// not parse (`::1:8080`, an IPv6 address without brackets): uncaught, one
// such request would end the process. It is answered 400 here instead.
function hasUsableAuthority(
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
): boolean {
  const authority = "authority" in req ? req.authority : req.headers.host;
  if (authority !== undefined && URL.canParse(`http://${authority}`)) return true;
  res.statusCode = 400;
  res.setHeader("content-type", "text/plain; charset=utf-8");
  res.end("the request's Host header (HTTP/2: :authority) is missing or is not host[:port]\n");
  return false;
}

// A call answered before its request body was read (an oversized message, a
// refused call) leaves the HTTP/2 stream half open: it holds one of the
// connection's stream slots and keeps a drain waiting. Once the answer and
// its trailers are on their way, such a stream is reset with NO_ERROR (RFC
// 9113 §8.1) and what was received of the body is discarded.
function endUnreadRequest(req: Http2ServerRequest): void {
  req.stream.once("wantTrailers", () =>
    setImmediate(() => {
      if (req.readableEnded || req.stream.destroyed) return;
      req.stream.close(constants.NGHTTP2_NO_ERROR);
      req.resume();
    }),
  );
}

function pathOf(url: string): string {
  const query = url.indexOf("?");
  return query < 0 ? url : url.slice(0, query);
}
