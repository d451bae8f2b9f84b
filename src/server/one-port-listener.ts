import type { Server as Http1Server } from "node:http";
import type { Http2Server } from "node:http2";
import { createServer, type Server, type Socket } from "node:net";

// Every HTTP/2 connection over cleartext starts with this preface (RFC 9113 §3.4).
const http2Preface = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

/** How long a new connection may stay silent before it is dropped, in ms. */
const firstBytesTimeoutMs = 10_000;

/**
 * One TCP listener for both HTTP versions. Node's cleartext HTTP/2 server
 * speaks only prior-knowledge HTTP/2, so this reads a connection's first
 * bytes: the HTTP/2 preface sends it to the HTTP/2 server (gRPC, Connect and
 * REST over h2c), anything else to the HTTP/1.1 server (Connect, gRPC-Web and
 * REST over HTTP/1.1). The bytes read are put back before the hand-over.
 */
export function createOnePortListener(http1: Http1Server, http2: Http2Server): Server {
  return createServer((socket) => route(socket, http1, http2));
}

function route(socket: Socket, http1: Http1Server, http2: Http2Server): void {
  let received = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    const compared = Math.min(received.length, http2Preface.length);
    const isHttp2 = received.subarray(0, compared).equals(http2Preface.subarray(0, compared));
    // Still a prefix of the preface: wait for more before deciding.
    if (isHttp2 && received.length < http2Preface.length) return;
    socket.off("data", onData);
    socket.off("error", onEarlyError);
    socket.off("timeout", onSilent);
    socket.setTimeout(0);
    socket.pause();
    socket.unshift(received);
    if (isHttp2) {
      // The HTTP/2 session takes the put-back bytes from the socket's buffer
      // itself, then reads the handle directly.
      http2.emit("connection", socket);
    } else {
      // The HTTP/1.1 server listens for "data": flowing again delivers the put-back bytes.
      http1.emit("connection", socket);
      socket.resume();
    }
  };
  const onEarlyError = () => socket.destroy();
  const onSilent = () => socket.destroy();
  socket.on("data", onData);
  socket.on("error", onEarlyError);
  socket.on("timeout", onSilent);
  socket.setTimeout(firstBytesTimeoutMs);
}
