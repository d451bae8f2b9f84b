/**
 * Riak's protocol-buffers framing: a 4-byte big-endian length that counts the
 * code byte and the body, a 1-byte message code, then the protobuf body
 * (possibly empty).
 */

/** One decoded frame. `body` may share memory with the chunk it came from. */
export interface Frame {
  readonly code: number;
  readonly body: Uint8Array;
}

/**
 * The largest frame the decoder accepts by default: 64 MiB. Riak refuses
 * objects far smaller than this, so a bigger length means a corrupt stream or
 * a peer that is not Riak.
 */
export const defaultMaxFrameLength = 64 * 1024 * 1024;

const prefixLength = 4;

/** The byte stream is not Riak framing: a zero or absurd length prefix. */
export class FrameError extends Error {
  override readonly name = "FrameError";
}

/** Frames one message: length prefix, code, body. `body` defaults to empty. */
export function encodeFrame(code: number, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  const frame = new Uint8Array(prefixLength + 1 + body.length);
  new DataView(frame.buffer).setUint32(0, 1 + body.length);
  frame[prefixLength] = code;
  frame.set(body, prefixLength + 1);
  return frame;
}

/**
 * Turns a byte stream into frames, whatever the chunking: a frame split over
 * many chunks, many frames in one chunk, or a length prefix split across
 * chunks. After it throws a {@link FrameError} the stream is lost; discard
 * the decoder with its connection.
 */
export class FrameDecoder {
  private chunks: Uint8Array[] = [];
  private size = 0;
  // Length of the frame being assembled, prefix included, once its prefix is known.
  private expected: number | undefined;

  /** @param maxFrameLength largest accepted length prefix; default {@link defaultMaxFrameLength}. */
  constructor(private readonly maxFrameLength = defaultMaxFrameLength) {}

  /** Bytes received but not yet returned as frames. */
  get buffered(): number {
    return this.size;
  }

  /** Adds received bytes; returns every frame they complete, in order. */
  push(chunk: Uint8Array): Frame[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.size += chunk.length;
    }
    const frames: Frame[] = [];
    for (;;) {
      if (this.expected === undefined) {
        if (this.size < prefixLength) break;
        this.expected = prefixLength + this.readLength();
      }
      if (this.size < this.expected) break;
      const bytes = this.take(this.expected);
      this.expected = undefined;
      frames.push({ code: bytes[prefixLength] ?? 0, body: bytes.subarray(prefixLength + 1) });
    }
    return frames;
  }

  private readLength(): number {
    const prefix = this.peek(prefixLength);
    const length = new DataView(prefix.buffer, prefix.byteOffset, prefixLength).getUint32(0);
    // Riak itself closes the socket on a zero length: there is no code byte to act on.
    if (length === 0) throw new FrameError("Riak frame with length 0 (no message code)");
    if (length > this.maxFrameLength) {
      throw new FrameError(
        `Riak frame of ${length} bytes exceeds the limit of ${this.maxFrameLength} bytes`,
      );
    }
    return length;
  }

  // The first n buffered bytes, without consuming them.
  private peek(n: number): Uint8Array {
    const first = this.chunks[0];
    if (first !== undefined && first.length >= n) return first.subarray(0, n);
    const out = new Uint8Array(n);
    let filled = 0;
    for (const chunk of this.chunks) {
      const part = chunk.subarray(0, n - filled);
      out.set(part, filled);
      filled += part.length;
      if (filled === n) break;
    }
    return out;
  }

  // Consumes the first n buffered bytes, copying only when they span chunks.
  private take(n: number): Uint8Array {
    const first = this.chunks[0];
    if (first !== undefined && first.length >= n) {
      this.consume(n);
      return first.subarray(0, n);
    }
    const out = this.peek(n);
    this.consume(n);
    return out;
  }

  private consume(n: number): void {
    this.size -= n;
    let left = n;
    while (left > 0) {
      const first = this.chunks[0];
      if (first === undefined) break;
      if (first.length <= left) {
        this.chunks.shift();
        left -= first.length;
      } else {
        this.chunks[0] = first.subarray(left);
        left = 0;
      }
    }
  }
}
