import { Code, ConnectError } from "@connectrpc/connect";

// The flags a request envelope may carry: 0x01 marks a compressed message.
// gRPC allows no other (0x80 marks gRPC-Web's trailers, 0x02 Connect's end of
// stream, and both only ever come from the server); Connect would skip or
// misread such a message rather than refuse it.
const allowedFlags = 0x01;
const headerBytes = 5;

/**
 * Passes an enveloped request body (gRPC, gRPC-Web, Connect streaming)
 * through unchanged, checking the flags byte of each envelope as it goes by;
 * one with any flag but "compressed" fails the body with INVALID_ARGUMENT
 * naming the message and its flags. Buffers nothing: lengths and the rest of
 * the framing stay Connect's to check.
 */
export async function* checkEnvelopeFlags(
  body: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  let headerAt = 0; // bytes of the current envelope header seen so far
  let length = 0; // the current envelope's declared length, read big-endian
  let payloadLeft = 0;
  let index = 0;
  for await (const chunk of body) {
    let at = 0;
    while (at < chunk.length) {
      if (payloadLeft > 0) {
        const skip = Math.min(payloadLeft, chunk.length - at);
        payloadLeft -= skip;
        at += skip;
        continue;
      }
      const byte = chunk[at] ?? 0;
      at++;
      if (headerAt === 0) {
        index++;
        if ((byte & ~allowedFlags) !== 0) throw badFlags(index, byte);
        length = 0;
      } else {
        length = length * 256 + byte;
      }
      headerAt++;
      if (headerAt === headerBytes) {
        headerAt = 0;
        payloadLeft = length;
      }
    }
    yield chunk;
  }
}

function badFlags(index: number, flags: number): ConnectError {
  const hex = `0x${flags.toString(16).padStart(2, "0")}`;
  return new ConnectError(
    `protocol error: message ${index} of the request has flags ${hex}; a request message may only be flagged 0x01 (compressed)`,
    Code.InvalidArgument,
  );
}
