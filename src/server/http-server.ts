import {
  createServer as createHttp1Server,
  type Server as Http1Server,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import {
  constants,
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
} from "node:http2";
import type { AddressInfo, Socket } from "node:net";
import {
  Code,
  ConnectError,
  type ConnectRouter,
  type HandlerContext,
  type Interceptor,
} from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { apiJsonOptions } from "./json-options.js";
import { createOnePortListener } from "./one-port-listener.js";

/** A request listener for both Node HTTP servers, as the Connect adapter's `fallback`. */
type NodeHandler = NonNullable<Parameters<typeof connectNodeAdapter>[0]["fallback"]>;

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
  let fallback: NodeHandler | undefined;
  const handler = connectNodeAdapter({
    routes: (router) => {
      options.routes(router);
      fallback = options.fallback?.(router);
    },
    interceptors: [...options.interceptors],
    readMaxBytes: options.readMaxBytes,
    maxTimeoutMs: options.maxTimeoutMs,
    shutdownSignal: shutdown.signal,
    jsonOptions: apiJsonOptions,
    ...(options.fallback && { fallback: (req, res) => fallback?.(req, res) }),
    ...(options.requestGate && { requestGate: options.requestGate }),
  });
  const headersTimeout = options.headersTimeoutMs;
  const http1 = createHttp1Server(
    {
      headersTimeout,
      // Never shorter than the headers' own limit, which Node requires.
      requestTimeout: Math.max(headersTimeout, 60_000),
      connectionsCheckingInterval: Math.min(1000, headersTimeout),
    },
    (req, res) => {
      if (hasUsableAuthority(req, res)) handler(req, res);
    },
  );
  // Node's HTTP/1.1 server starts checking its connections (headersTimeout,
  // requestTimeout: a client that trickles its headers is cut off) on its
  // "listening" event, which it never sees here because the one-port
  // listener does the listening. Starting the checks by hand gives the
  // handed-over sockets the same protection. Long responses (server streams)
  // are not affected: only receiving the request is timed.
  http1.emit("listening");
  const http1Calls = trackHttp1Calls(http1);
  const http2 = createHttp2Server(
    { settings: { maxConcurrentStreams: options.maxStreamsPerConnection } },
    (req, res) => {
      endUnreadRequest(req);
      if (hasUsableAuthority(req, res)) handler(req, res);
    },
  );
  const sockets = new Set<Socket>();
  const sessions = new Set<Http2Session>();
  http2.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
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
    // HTTP/2 clients are told to open no new streams; HTTP/1.1 connections
    // are closed as soon as their call has answered.
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

// Counts the calls in flight on each HTTP/1.1 socket, so that a drain closes
// idle connections at once and busy ones as soon as their call has answered
// (with `Connection: close`), whatever their keep-alive state.
function trackHttp1Calls(http1: Http1Server) {
  const connections = new Set<Socket>();
  const inFlight = new Map<Socket, number>();
  let draining = false;
  http1.on("connection", (socket: Socket) => {
    connections.add(socket);
    socket.once("close", () => connections.delete(socket));
  });
  http1.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    if (draining) res.setHeader("connection", "close");
    res.once("close", () => {
      const left = (inFlight.get(socket) ?? 1) - 1;
      if (left > 0) inFlight.set(socket, left);
      else inFlight.delete(socket);
      // Flushes the answer, then closes: the client reconnects elsewhere.
      if (draining && left === 0) socket.end();
    });
  });
  return {
    /** From now on a connection closes once its call has answered; idle ones close at once. */
    drain(): void {
      draining = true;
      for (const socket of connections) if (!inFlight.has(socket)) socket.destroy();
    },
  };
}
