/**
 * A request that Riak answers with RpbErrorResp (errcode 0, as in every error
 * Riak 3.2 was seen to send). Handlers throw it; the connection turns it into
 * the error frame.
 */
export class RiakError extends Error {
  /** The errmsg text, byte for byte what Riak sends. */
  readonly errmsg: string;
  /** Riak closes the socket after this error (undecodable body, bad vclock). */
  readonly closeConnection: boolean;

  constructor(errmsg: string, closeConnection = false) {
    super(errmsg);
    this.name = "RiakError";
    this.errmsg = errmsg;
    this.closeConnection = closeConnection;
  }
}

/**
 * The error Riak sends when it cannot process a message at all, after which
 * it closes the connection. Riak follows the prefix with an Erlang stack
 * trace; the test node follows it with a short description instead.
 */
export function processingError(detail: string): RiakError {
  return new RiakError(`Error processing incoming message: error:${detail}`, true);
}
