import type { Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { type Frame, FrameDecoder } from "./frame-codec.js";
import { errorFrame } from "./message-io.js";
import type { Fault } from "./node-faults.js";
import type { RequestOutcome } from "./request-router.js";

/** What a connection needs from the node that accepted it. */
export interface ConnectionHost {
  /** Records a received request and returns the fault injected into it, if any. */
  receive(code: number): Fault | undefined;
  /** Milliseconds to wait before handling each request. */
  delayMs(): number;
  /** Handles a request. */
  answer(frame: Frame): RequestOutcome;
}

/**
 * Serves one client socket: requests are handled one at a time in arrival
 * order, so pipelined frames are answered in order. After a delay, a request
 * whose socket was closed meanwhile is not handled at all.
 */
export function serveConnection(socket: Socket, host: ConnectionHost): void {
  const decoder = new FrameDecoder();
  const queue: Frame[] = [];
  let running = false;
  let closing = false;

  const serveOne = async (frame: Frame): Promise<boolean> => {
    const fault = host.receive(frame.code);
    if (fault?.kind === "drop") {
      socket.destroy();
      return false;
    }
    const delay = host.delayMs();
    if (delay > 0) await sleep(delay);
    if (socket.destroyed) return false;
    const outcome: RequestOutcome =
      fault?.kind === "fail"
        ? { frames: [errorFrame(fault.errmsg)], close: false }
        : host.answer(frame);
    socket.write(Buffer.concat(outcome.frames));
    if (outcome.close) {
      closing = true;
      // Let the error reach the client first, then close as Riak does.
      socket.end(() => socket.destroy());
      return false;
    }
    return true;
  };

  const pump = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      while (!socket.destroyed && !closing) {
        const frame = queue.shift();
        if (frame === undefined) {
          // A frame that cannot be valid (length 0) gets no answer, only a close.
          if (decoder.failed) socket.destroy();
          break;
        }
        if (!(await serveOne(frame))) break;
      }
    } finally {
      running = false;
    }
  };

  socket.on("data", (chunk: Buffer) => {
    if (closing) return;
    queue.push(...decoder.push(chunk));
    void pump();
  });
  // Resets by clients are part of the tests (timeouts, dropped sockets).
  socket.on("error", () => {});
}
