import { connect, type Socket } from "node:net";
import {
  create,
  type DescMessage,
  fromBinary,
  type MessageInitShape,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import type { RiakTestCluster } from "../support/riak-node/index.js";

/** Opens a connection to node `index` of a test cluster. */
export function connectTo(cluster: RiakTestCluster, index = 0): Promise<RawConnection> {
  const node = cluster.nodes[index];
  if (node === undefined) throw new Error(`the cluster has no node ${index}`);
  return RawConnection.open(node.port, node.host);
}

/** A frame as read off the wire. */
export interface RawFrame {
  readonly code: number;
  readonly body: Uint8Array;
}

/** Frames a message: 4-byte big-endian length of code + body, code, body. */
export function frameBytes(code: number, body: Uint8Array = new Uint8Array(0)): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(body.length + 1, 0);
  header[4] = code;
  return Buffer.concat([header, body]);
}

/**
 * A bare TCP client for the test node, independent of the project's Riak
 * client: it writes bytes and reads whole frames, nothing more.
 */
export class RawConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.wake?.();
    });
    const end = (): void => {
      this.ended = true;
      this.wake?.();
    };
    socket.on("end", end);
    socket.on("close", end);
    // Writes after the server closed fail with EPIPE/ECONNRESET; the reads report the close.
    socket.on("error", end);
  }

  /** Connects; rejects with the socket error (e.g. ECONNREFUSED). */
  static open(port: number, host = "127.0.0.1"): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host);
      socket.setNoDelay(true);
      socket.once("error", reject);
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new RawConnection(socket));
      });
    });
  }

  /** True once the server closed the connection. */
  get closed(): boolean {
    return this.ended;
  }

  /** Writes bytes as they are. */
  writeRaw(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** Writes one frame. */
  send(code: number, body?: Uint8Array): void {
    this.writeRaw(frameBytes(code, body));
  }

  /** Reads the next frame; undefined when the server closed the connection first. */
  async readFrame(): Promise<RawFrame | undefined> {
    for (;;) {
      if (this.buffered.length >= 4) {
        const length = this.buffered.readUInt32BE(0);
        if (this.buffered.length >= 4 + length) {
          const code = this.buffered[4] ?? -1;
          const body = new Uint8Array(this.buffered.subarray(5, 4 + length));
          this.buffered = this.buffered.subarray(4 + length);
          return { code, body };
        }
      }
      if (this.ended) return undefined;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }

  /** Reads the next frame and fails unless one came. */
  async expectFrame(): Promise<RawFrame> {
    const frame = await this.readFrame();
    if (frame === undefined) throw new Error("connection closed before a frame arrived");
    return frame;
  }

  /** Sends a request message and reads one reply frame. */
  async call<Desc extends DescMessage>(
    code: number,
    schema: Desc,
    init: MessageInitShape<Desc>,
  ): Promise<RawFrame> {
    this.send(code, toBinary(schema, create(schema, init)));
    return this.expectFrame();
  }

  /** Resolves once the server has closed the connection (after any frames left unread). */
  async waitClosed(): Promise<void> {
    while ((await this.readFrame()) !== undefined) {
      // Frames before the close are not the point here.
    }
  }

  /** Closes from the client side. */
  close(): void {
    this.socket.destroy();
  }
}

/** Decodes a frame body with the schema, checking the code first. */
export function decodeFrame<Desc extends DescMessage>(
  frame: RawFrame,
  code: number,
  schema: Desc,
): MessageShape<Desc> {
  if (frame.code !== code) {
    const detail = frame.code === 0 ? `: ${Buffer.from(frame.body).toString("latin1")}` : "";
    throw new Error(`expected message code ${code}, got ${frame.code}${detail}`);
  }
  return fromBinary(schema, frame.body);
}
