import { Code, ConnectError } from "@connectrpc/connect";
import type { NodeRequest, NodeResponse } from "./node-http.js";

/** What a client that leaves is told (it never hears it) and what the request log records. */
export const clientGoneMessage = "the client cancelled the call or closed the connection";

/** A call's view of its client: a signal for its leaving, and its request body. */
export interface ClientWatch {
  /** Aborted with a CANCELED error when the connection or stream closes before the answer ended. */
  readonly signal: AbortSignal;
  /** The request body; fails with the same CANCELED error when the transport fails under it (a ConnectError passes as it is). */
  body(source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array>;
}

/**
 * Watches a request for its client leaving early: a reset HTTP/2 stream, a
 * closed connection. Connect's own signal reports that as whatever the
 * transport said (an AbortError, ECONNRESET, "Premature close" from a body
 * cut short), which a call then ends with and which would be logged and
 * counted as INTERNAL; here every such end is one CANCELED error, carrying
 * the transport's reason as its cause.
 */
export function watchClient(req: NodeRequest, res: NodeResponse): ClientWatch {
  const controller = new AbortController();
  const gone = (cause?: unknown) => {
    const rstCode = "stream" in req ? req.stream.rstCode : undefined;
    const detail = rstCode ? ` (HTTP/2 RST_STREAM code ${rstCode})` : "";
    return new ConnectError(
      `${clientGoneMessage}${detail}`,
      Code.Canceled,
      undefined,
      undefined,
      cause,
    );
  };
  res.once("close", () => {
    if (!res.writableEnded) controller.abort(gone());
  });
  return {
    signal: controller.signal,
    async *body(source) {
      try {
        yield* source;
      } catch (cause) {
        // A ConnectError already says what happened (the server's body timeout).
        if (cause instanceof ConnectError) throw cause;
        throw controller.signal.aborted ? controller.signal.reason : gone(cause);
      }
    },
  };
}
