/** One Riak PB message: its code byte and its (possibly empty) protobuf body. */
export interface Frame {
  readonly code: number;
  readonly body: Uint8Array;
}

/** Frames longer than this are refused; Riak's own limit is of the same order. */
export const maxFrameLength = 64 * 1024 * 1024;

const headerLength = 4;

/**
 * Encodes a frame: a 4-byte big-endian length that counts the code byte and
 * the body, the code byte, then the body.
 */
export function encodeFrame(code: number, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  const frame = new Uint8Array(headerLength + 1 + body.length);
  new DataView(frame.buffer).setUint32(0, body.length + 1);
  frame[headerLength] = code;
  frame.set(body, headerLength + 1);
  return frame;
}

/**
 * Splits a TCP byte stream into frames, whatever the read boundaries: a frame
 * may arrive in pieces, and one read may hold several frames.
 */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private broken = false;

  /**
   * True once the stream held a frame that cannot be valid (length 0, or over
   * {@link maxFrameLength}); the connection must then be closed without a reply,
   * as Riak does. Frames before the bad one are still returned.
   */
  get failed(): boolean {
    return this.broken;
  }

  /** Adds bytes read from the socket and returns every frame they complete. */
  push(chunk: Uint8Array): Frame[] {
    if (this.broken) return [];
    this.pending =
      this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    const frames: Frame[] = [];
    let offset = 0;
    while (this.pending.length - offset >= headerLength) {
      const length = this.pending.readUInt32BE(offset);
      if (length === 0 || length > maxFrameLength) {
        this.broken = true;
        break;
      }
      const end = offset + headerLength + length;
      if (end > this.pending.length) break;
      const code = this.pending[offset + headerLength] ?? 0;
      // Copy the body out so that later reads cannot alias it.
      const body = Uint8Array.prototype.slice.call(this.pending, offset + headerLength + 1, end);
      frames.push({ code, body });
      offset = end;
    }
    this.pending = this.pending.subarray(offset);
    return frames;
  }
}
