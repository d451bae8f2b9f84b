import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { checkEnvelopeFlags } from "../../src/server/frame-check.js";
import { envelope } from "../support/raw-call.js";

async function collect(chunks: Uint8Array[]): Promise<Buffer> {
  const out: Uint8Array[] = [];
  for await (const chunk of checkEnvelopeFlags(from(chunks))) out.push(chunk);
  return Buffer.concat(out);
}

async function* from(chunks: Uint8Array[]): AsyncIterable<Uint8Array> {
  yield* chunks;
}

/** The body cut into pieces of `size` bytes, so envelopes straddle chunks. */
function pieces(body: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < body.length; at += size) out.push(body.subarray(at, at + size));
  return out;
}

describe("checkEnvelopeFlags", () => {
  const body = Buffer.concat([
    envelope(Buffer.from("first message")),
    envelope(Buffer.from("")),
    envelope(Buffer.alloc(300, 7), 0x01),
    envelope(Buffer.from("last")),
  ]);

  it.each([1, 2, 3, 5, 7, 64, body.length])(
    "passes flags 0x00 and 0x01 through unchanged in chunks of %i bytes",
    async (size) => {
      expect(await collect(pieces(body, size))).toEqual(body);
    },
  );

  it.each([1, 4, 6, 1000])(
    "fails on the first envelope with another flag, naming it, in chunks of %i bytes",
    async (size) => {
      const bad = Buffer.concat([
        body,
        envelope(Buffer.from("x"), 0x81),
        envelope(Buffer.from("y")),
      ]);
      const error = await collect(pieces(bad, size)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectError);
      expect(error).toMatchObject({
        code: Code.InvalidArgument,
        rawMessage:
          "protocol error: message 5 of the request has flags 0x81; a request message may only be flagged 0x01 (compressed)",
      });
    },
  );

  it("reads a declared length of 2^32 - 1 without losing precision", async () => {
    // The header alone: the payload it promises never comes, which is Connect's to refuse.
    const header = envelope(Buffer.alloc(0), 0, 0xffffffff);
    expect(await collect([header])).toEqual(header);
  });
});
