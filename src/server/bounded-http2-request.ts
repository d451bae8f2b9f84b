import { Http2ServerRequest } from "node:http2";
import { Code, ConnectError } from "@connectrpc/connect";

/** How {@link BoundedHttp2Request.limitBody} bounds a body. */
export interface BodyLimit {
  /** The body must end within this many ms of the call to `limitBody`. */
  readonly timeoutMs: number;
  /** Bytes held back until the body ends; a larger body is passed on as it comes. */
  readonly holdBytes: number;
}

/**
 * The request object of the HTTP/2 server (its `Http2ServerRequest` option).
 * Reading its body, as Connect and the REST transcoder do with `for await`,
 * fails with a ConnectError, rather than waiting forever or ending as if the
 * body were complete, when:
 *
 * - the body has not ended within the limit set by `limitBody`
 *   (DEADLINE_EXCEEDED): the call is answered in its protocol and the
 *   server's part of the stream is freed;
 * - the client reset the stream before its body ended (CANCELED): the call
 *   ends as cancelled by the client, not as a request with no message.
 *
 * A limited body is also held back until it ends (up to `holdBytes`) and
 * then read as one chunk. Its reader sees the same bytes, but a body that
 * stalls costs only what it sent: Connect sizes its buffer by the length a
 * message or `Content-Length` declares, so 10 bytes that promise 60,000
 * would otherwise hold 60,000 until the timeout.
 */
export class BoundedHttp2Request extends Http2ServerRequest {
  #limit: BodyLimit | undefined;
  #expired: ConnectError | undefined;
  #onExpired: (() => void) | undefined;

  /** From now on, the body must end within the limit's time. */
  limitBody(limit: BodyLimit): void {
    if (this.readableEnded) return;
    this.#limit = limit;
    const timer = setTimeout(() => {
      this.#expired = new ConnectError(
        `the request body did not arrive within ${limit.timeoutMs} ms`,
        Code.DeadlineExceeded,
      );
      this.#onExpired?.();
    }, limit.timeoutMs);
    const stop = () => clearTimeout(timer);
    this.once("end", stop);
    this.once("close", stop);
  }

  override async *[Symbol.asyncIterator](): AsyncGenerator<Buffer, undefined, undefined> {
    const chunks: AsyncIterator<Buffer> = super[Symbol.asyncIterator]();
    let held: Buffer[] | undefined = this.#limit && [];
    let heldBytes = 0;
    for (;;) {
      const result = await this.#next(chunks);
      if (result.done) break;
      if (!held) {
        yield result.value;
        continue;
      }
      held.push(result.value);
      heldBytes += result.value.length;
      if (heldBytes > (this.#limit?.holdBytes ?? 0)) {
        // Too large to hold: the reader refuses it from what it declares.
        yield Buffer.concat(held);
        held = undefined;
      }
    }
    if (held && held.length > 0) yield Buffer.concat(held);
    return undefined;
  }

  /** The next chunk, unless the body's time runs out or the client resets the stream first. */
  async #next(chunks: AsyncIterator<Buffer>): Promise<IteratorResult<Buffer>> {
    if (this.#expired) throw this.#expired;
    const next = chunks.next();
    // Whatever the race leaves pending settles when the stream closes.
    next.catch(() => undefined);
    const expired = new Promise<never>((_, reject) => {
      this.#onExpired = () => reject(this.#expired);
    });
    let result: IteratorResult<Buffer>;
    try {
      result = await Promise.race([next, expired]);
    } catch (error) {
      throw this.aborted ? clientReset() : error;
    } finally {
      this.#onExpired = undefined;
    }
    if (result.done && this.aborted) throw clientReset();
    return result;
  }
}

function clientReset(): ConnectError {
  return new ConnectError("the client reset the stream before its request ended", Code.Canceled);
}
