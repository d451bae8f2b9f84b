import { createConnection, type Socket } from "node:net";
import { fromBinary } from "@bufbuild/protobuf";
import { RpbErrorRespSchema } from "../gen/riak/riak_pb.js";
import { abortedError, guardCall, type RiakCallOptions } from "./call-guard.js";
import { closesConnection, errorFromResponse, RiakError } from "./errors.js";
import { defaultMaxFrameLength, encodeFrame, type Frame, FrameDecoder } from "./frame.js";
import { MessageCode, messageName } from "./message-codes.js";

/** Where to connect, and the largest frame to accept. */
export interface ConnectionTarget {
  readonly host: string;
  readonly port: number;
  /** Largest frame accepted from the server; default 64 MiB. */
  readonly maxFrameLength?: number;
}

const utf8 = new TextDecoder();

// The exchange in flight: which code answers it, and what each answer frame means.
interface Pending {
  readonly expected: number;
  // Returns true when the frame ends the answer (one frame, or a stream's done=true).
  readonly onFrame: (body: Uint8Array) => boolean;
  readonly settle: (error?: RiakError) => void;
}

/**
 * One TCP connection to one Riak node, carrying one exchange at a time. A
 * call that times out or is aborted destroys the socket: its answer may still
 * arrive and would be taken for the next call's.
 */
export class RiakConnection {
  private readonly decoder: FrameDecoder;
  private pending: Pending | undefined;
  private closeReason: RiakError | undefined;
  private readonly closeListeners: (() => void)[] = [];

  private constructor(
    private readonly socket: Socket,
    /** `host:port` of the node. */
    readonly address: string,
    maxFrameLength: number,
  ) {
    this.decoder = new FrameDecoder(maxFrameLength);
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.on("error", (error) => this.fail(networkError(address, error)));
    socket.on("close", () =>
      this.fail(new RiakError("network", "connection closed", { node: address })),
    );
  }

  /** Opens a connection; fails with a `network`, `timeout` or `aborted` RiakError. */
  static connect(target: ConnectionTarget, options: RiakCallOptions = {}): Promise<RiakConnection> {
    const address = `${target.host}:${target.port}`;
    if (options.signal?.aborted) return Promise.reject(abortedError(address, options.signal));
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: target.host, port: target.port });
      socket.setNoDelay(true);
      // Pooled connections sit idle for long; keep-alive finds the ones a firewall dropped.
      socket.setKeepAlive(true, 60_000);
      const done = guardCall(address, options, (error) => {
        socket.removeListener("error", onError);
        socket.removeListener("connect", onConnect);
        if (error === undefined) {
          resolve(
            new RiakConnection(socket, address, target.maxFrameLength ?? defaultMaxFrameLength),
          );
        } else {
          socket.destroy();
          reject(
            error.kind === "timeout"
              ? new RiakError("network", `connect ${error.message}`, { node: address })
              : error,
          );
        }
      });
      const onError = (error: Error) => {
        done(networkError(address, error));
      };
      const onConnect = () => {
        done();
      };
      socket.once("error", onError);
      socket.once("connect", onConnect);
    });
  }

  /** False once the socket is closed or broken; such a connection is discarded. */
  get open(): boolean {
    return this.closeReason === undefined;
  }

  /** Calls `listener` once, when the connection closes for any reason. */
  onClose(listener: () => void): void {
    if (this.open) this.closeListeners.push(listener);
    else listener();
  }

  /**
   * Sends one request and resolves with the body of its one answer frame,
   * which must carry code `expected`. An RpbErrorResp rejects with its
   * classified RiakError.
   */
  async request(
    code: number,
    body: Uint8Array,
    expected: number,
    options: RiakCallOptions = {},
  ): Promise<Uint8Array> {
    let answer: Uint8Array | undefined;
    await this.exchange(code, body, expected, options, (frame) => {
      answer = frame;
      return true;
    });
    return answer ?? new Uint8Array(0);
  }

  /**
   * Sends one request whose answer is a stream of frames with code
   * `expected`; `onFrame` sees each body and returns true on the last one.
   */
  exchange(
    code: number,
    body: Uint8Array,
    expected: number,
    options: RiakCallOptions,
    onFrame: (body: Uint8Array) => boolean,
  ): Promise<void> {
    if (options.signal?.aborted) return Promise.reject(abortedError(this.address, options.signal));
    if (this.closeReason !== undefined) return Promise.reject(this.closeReason);
    if (this.pending !== undefined) {
      return Promise.reject(new Error("RiakConnection carries one request at a time"));
    }
    return new Promise((resolve, reject) => {
      const settle = guardCall(this.address, options, (error) => {
        this.pending = undefined;
        if (error === undefined) return resolve();
        // A late answer would be read as the next request's.
        if (error.kind === "timeout" || error.kind === "aborted") this.destroy(error);
        reject(error);
      });
      this.pending = { expected, onFrame, settle };
      this.socket.write(encodeFrame(code, body));
    });
  }

  /** Closes the socket; a call in flight fails with a `network` RiakError. */
  destroy(
    reason = new RiakError("network", "connection closed by the client", { node: this.address }),
  ): void {
    this.fail(reason);
    this.socket.destroy();
  }

  private receive(chunk: Uint8Array): void {
    try {
      for (const frame of this.decoder.push(chunk)) this.dispatch(frame);
    } catch (error) {
      this.destroy(
        error instanceof RiakError
          ? error
          : protocolError(this.address, error instanceof Error ? error.message : String(error)),
      );
    }
  }

  // Throws on anything that is not the answer to the exchange in flight.
  private dispatch(frame: Frame): void {
    if (!this.open) return;
    const pending = this.pending;
    if (pending === undefined) {
      throw protocolError(
        this.address,
        `unexpected ${messageName(frame.code)}, no request in flight`,
      );
    }
    if (frame.code === MessageCode.ErrorResp) {
      const errmsg = utf8.decode(fromBinary(RpbErrorRespSchema, frame.body).errmsg);
      const error = errorFromResponse(errmsg, this.address);
      pending.settle(error);
      // Riak closes the socket after these; do not wait for it to notice.
      if (closesConnection(errmsg)) this.destroy(error);
    } else if (frame.code !== pending.expected) {
      throw protocolError(
        this.address,
        `expected ${messageName(pending.expected)}, got ${messageName(frame.code)}`,
      );
    } else if (pending.onFrame(frame.body)) {
      pending.settle();
    }
  }

  private fail(reason: RiakError): void {
    if (this.closeReason === undefined) {
      this.closeReason = reason;
      for (const listener of this.closeListeners.splice(0)) listener();
    }
    this.pending?.settle(reason);
  }
}

const networkCodes: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EPIPE: "connection closed",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
};

function networkError(node: string, error: Error & { code?: string }): RiakError {
  const text = (error.code !== undefined ? networkCodes[error.code] : undefined) ?? error.message;
  return new RiakError("network", text, { node, cause: error });
}

function protocolError(node: string, text: string): RiakError {
  return new RiakError("network", `protocol error: ${text}`, { node });
}
