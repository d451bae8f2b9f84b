import type { Server as Http1Server, IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** Drains an HTTP/1.1 server's connections; see {@link trackHttp1Calls}. */
export interface Http1Drain {
  /**
   * From now on every answer carries `Connection: close`, those of calls
   * already running included, and a connection closes once its calls have
   * answered; idle connections close at once.
   */
  drain(): void;
}

/**
 * Counts the calls in flight on each HTTP/1.1 socket, so that a drain can
 * close idle connections at once and busy ones as soon as their calls have
 * answered. Every answer sent while draining says `Connection: close`, so a
 * kept-alive client does not send another request on that connection (one
 * that does anyway is refused before it runs: see the request gate of
 * `startHttpServer`). Register it before the request handler.
 */
export function trackHttp1Calls(http1: Http1Server): Http1Drain {
  const connections = new Set<Socket>();
  const inFlight = new Map<Socket, Set<ServerResponse>>();
  let draining = false;
  http1.on("connection", (socket: Socket) => {
    connections.add(socket);
    socket.once("close", () => connections.delete(socket));
  });
  http1.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    const calls = inFlight.get(socket) ?? new Set<ServerResponse>();
    inFlight.set(socket, calls);
    calls.add(res);
    if (draining) closeAfter(res);
    res.once("close", () => {
      calls.delete(res);
      if (calls.size > 0) return;
      inFlight.delete(socket);
      // Flushes the answer, then closes: the client reconnects elsewhere.
      if (draining) socket.end();
    });
  });
  return {
    drain(): void {
      draining = true;
      for (const socket of connections) {
        const calls = inFlight.get(socket);
        if (calls) for (const res of calls) closeAfter(res);
        else socket.destroy();
      }
    },
  };
}

// An answer whose headers are still to be written says `Connection: close`
// (Node then closes the socket after it); one already started cannot.
function closeAfter(res: ServerResponse): void {
  if (!res.headersSent) res.setHeader("connection", "close");
}
