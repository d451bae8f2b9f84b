import { connect, type Socket } from "node:net";

// A bare HTTP/2 client, frame by frame, for what Node's client will not do:
// open a stream and reset it without ending its body first (Node's client
// always sends END_STREAM before its RST_STREAM), as a rapid-reset attack does.

const preface = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

/** HTTP/2 frame types (RFC 9113 §6). */
export const FrameType = { headers: 0x1, rstStream: 0x3, settings: 0x4, goaway: 0x7 } as const;

/** One frame received from the server. */
export interface Frame {
  readonly type: number;
  readonly flags: number;
  readonly streamId: number;
  readonly payload: Buffer;
}

/** A raw HTTP/2 connection: the preface and an empty SETTINGS are sent on open. */
export interface RawHttp2Connection {
  readonly socket: Socket;
  /** Every frame received so far. */
  readonly frames: Frame[];
  /** Resolves when the server closed the connection. */
  readonly closed: Promise<void>;
  /** Writes frames; resolves once they are handed to the socket. */
  send(...frames: Buffer[]): Promise<void>;
}

/** Connects to `port` on 127.0.0.1 and speaks the HTTP/2 preface. */
export async function openRawHttp2(port: number): Promise<RawHttp2Connection> {
  const socket = connect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  socket.on("error", () => undefined);
  const frames: Frame[] = [];
  let pending = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 9 && pending.length >= 9 + pending.readUIntBE(0, 3)) {
      const length = pending.readUIntBE(0, 3);
      frames.push({
        type: pending[3] ?? 0,
        flags: pending[4] ?? 0,
        streamId: pending.readUInt32BE(5) & 0x7fffffff,
        payload: pending.subarray(9, 9 + length),
      });
      pending = pending.subarray(9 + length);
    }
  });
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  const send = (...out: Buffer[]) =>
    new Promise<void>((resolve) => socket.write(Buffer.concat(out), () => resolve()));
  await send(preface, frame(FrameType.settings, 0, 0, Buffer.alloc(0)));
  return { socket, frames, closed, send };
}

/** A HEADERS frame with END_HEADERS, and END_STREAM when `endStream`. */
export function headersFrame(
  streamId: number,
  headers: readonly (readonly [string, string])[],
  endStream = false,
): Buffer {
  const block = Buffer.concat(headers.map(([name, value]) => literalHeader(name, value)));
  return frame(FrameType.headers, 0x4 | (endStream ? 0x1 : 0), streamId, block);
}

/** An RST_STREAM frame with `code` (8 = CANCEL). */
export function rstStreamFrame(streamId: number, code = 8): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(code);
  return frame(FrameType.rstStream, 0, streamId, payload);
}

/** The last stream id and error code of a GOAWAY frame. */
export function readGoaway(goaway: Frame): { lastStreamId: number; errorCode: number } {
  return {
    lastStreamId: goaway.payload.readUInt32BE(0) & 0x7fffffff,
    errorCode: goaway.payload.readUInt32BE(4),
  };
}

function frame(type: number, flags: number, streamId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(streamId, 5);
  return Buffer.concat([header, payload]);
}

// HPACK "literal header field without indexing, new name" (RFC 7541 §6.2.2),
// strings without Huffman coding.
function literalHeader(name: string, value: string): Buffer {
  return Buffer.concat([Buffer.from([0]), hpackString(name), hpackString(value)]);
}

function hpackString(text: string): Buffer {
  const bytes = Buffer.from(text, "latin1");
  return Buffer.concat([hpackInteger(bytes.length), bytes]);
}

function hpackInteger(value: number): Buffer {
  if (value < 127) return Buffer.from([value]);
  const out = [127];
  let rest = value - 127;
  while (rest >= 128) {
    out.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return Buffer.from(out);
}
