import { constants, type ServerHttp2Session } from "node:http2";

/** Limits of one HTTP/2 connection; see {@link guardHttp2Session}. */
export interface Http2SessionLimits {
  /** A connection with no stream open for this long is closed with GOAWAY, in ms. */
  readonly idleTimeoutMs: number;
  /** Streams the client may reset within one window; one more closes the connection. */
  readonly maxStreamResets: number;
  /** The window in which resets are counted, in ms. */
  readonly streamResetWindowMs: number;
  /** Told once when a connection is closed for resetting too many streams. */
  readonly onTooManyResets?: (session: ServerHttp2Session, resets: number) => void;
}

/**
 * Applies the limits to one server session:
 *
 * - Idle: once no stream has been open for `idleTimeoutMs` (from the start
 *   too), the session is closed gracefully: GOAWAY (NO_ERROR) with the last
 *   stream id, then the socket closes. An open stream is never idle, however
 *   quiet (a Health.Watch, a Subscribe between heartbeats).
 * - Rapid reset (CVE-2023-44487): every stream that closes with an error
 *   code (an RST_STREAM, usually the client's CANCEL) counts; more than
 *   `maxStreamResets` within `streamResetWindowMs` ends the session with
 *   GOAWAY ENHANCE_YOUR_CALM and closes the socket. Reset streams do not
 *   count against SETTINGS_MAX_CONCURRENT_STREAMS, so without this bound a
 *   client could keep the server starting calls without limit.
 */
export function guardHttp2Session(session: ServerHttp2Session, limits: Http2SessionLimits): void {
  let open = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  let windowStart = performance.now();
  let resets = 0;
  let tooMany = false;

  const startIdle = () => {
    idleTimer = setTimeout(() => session.close(), limits.idleTimeoutMs);
  };
  const ending = () => tooMany || session.closed || session.destroyed;

  session.on("stream", (stream) => {
    open++;
    clearTimeout(idleTimer);
    stream.once("close", () => {
      open--;
      if (ending()) return;
      if (stream.rstCode !== constants.NGHTTP2_NO_ERROR && countReset()) {
        tooMany = true;
        limits.onTooManyResets?.(session, resets);
        // Not from within the session's own frame processing, which Node
        // does not survive (a native assertion on the next DATA frame).
        const error = new Error(`the client reset ${resets} streams`);
        setImmediate(() => session.destroy(error, constants.NGHTTP2_ENHANCE_YOUR_CALM));
        return;
      }
      if (open === 0) startIdle();
    });
  });
  session.once("close", () => clearTimeout(idleTimer));
  startIdle();

  /** Counts one reset; true when the window now holds too many. */
  function countReset(): boolean {
    const now = performance.now();
    if (now - windowStart > limits.streamResetWindowMs) {
      windowStart = now;
      resets = 0;
    }
    resets++;
    return resets > limits.maxStreamResets;
  }
}
