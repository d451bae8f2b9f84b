import { readFileSync } from "node:fs";
import { toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { encodeFrame, type Frame, FrameDecoder } from "../../src/riak/frame.js";
import {
  bodySchemas,
  decodeStrict,
  encodeBody,
  fromHex,
  hex,
  normalizeRecorded,
  viewOf,
} from "./wire-view.js";

// Every frame a real Riak 3.2 exchanged in test/fixtures/riak-transcripts.json.
interface Recorded {
  readonly seq: number;
  readonly step: string;
  readonly direction: "request" | "response" | "event";
  readonly code: number | null;
  readonly name: string | null;
  readonly hex: string | null;
  readonly decoded: Record<string, unknown> | null;
}

const recorded: Recorded[] = JSON.parse(
  readFileSync(new URL("../fixtures/riak-transcripts.json", import.meta.url), "utf8"),
);

const ours = (record: Recorded) =>
  record.hex !== null && record.code !== null && bodySchemas.has(record.code);
// The deliberately malformed requests are recorded as "$"-keys (raw hex, the decode error).
const decodable = (record: Recorded) =>
  record.decoded !== null && !Object.keys(record.decoded).some((key) => key.startsWith("$"));
const requests = recorded.filter((r) => r.direction === "request" && ours(r) && decodable(r));
const responses = recorded.filter((r) => r.direction === "response" && ours(r));
const label = (r: Recorded) => `#${r.seq} ${r.name}: ${r.step}`;

function frameOf(record: Recorded): Frame {
  const frames = new FrameDecoder().push(fromHex(record.hex ?? ""));
  expect(frames).toHaveLength(1);
  return frames[0] as Frame;
}

describe("recorded Riak 3.2 frames", () => {
  it("covers the messages the client uses", () => {
    expect(requests.length).toBeGreaterThan(80);
    expect(responses.length).toBeGreaterThan(90);
    const codes = new Set([...requests, ...responses].map((r) => r.code));
    expect([...bodySchemas.keys()].filter((code) => !codes.has(code))).toEqual([]);
  });

  it.each(requests.map((r) => [label(r), r] as const))(
    "re-encodes request %s byte for byte",
    (_, record) => {
      const body = encodeBody(bodySchemas.get(record.code as number), record.decoded ?? {});
      expect(hex(encodeFrame(record.code as number, body))).toBe(record.hex);
    },
  );

  it.each(responses.map((r) => [label(r), r] as const))("decodes response %s", (_, record) => {
    const frame = frameOf(record);
    expect(frame.code).toBe(record.code);
    const schema = bodySchemas.get(frame.code);
    if (schema === undefined) {
      expect(frame.body).toHaveLength(0);
      return;
    }
    // No unknown fields: every field on the wire has our number and our name.
    const message = decodeStrict(schema, frame.body);
    expect(viewOf(schema, message)).toEqual(normalizeRecorded(record.decoded));
    expect(hex(toBinary(schema, message))).toBe(hex(frame.body));
  });
});

describe("frame decoder on the recorded stream", () => {
  const stream = responses.map((r) => fromHex(r.hex ?? ""));
  const whole = Buffer.concat(stream);
  const expected = responses.map((r) => ({ code: r.code, body: hex(frameOf(r).body) }));
  const decodeChunks = (chunks: Uint8Array[]) => {
    const decoder = new FrameDecoder();
    const frames = chunks.flatMap((chunk) => decoder.push(chunk));
    expect(decoder.buffered).toBe(0);
    return frames.map((f) => ({ code: f.code, body: hex(f.body) }));
  };

  it("reads every frame from one coalesced chunk", () => {
    expect(decodeChunks([whole])).toEqual(expected);
  });

  it("reads every frame from one-byte chunks", () => {
    const bytes = [...whole].map((b) => Uint8Array.of(b));
    expect(decodeChunks(bytes)).toEqual(expected);
  });

  it("reads every frame from chunks of varying sizes", () => {
    // A fixed pseudo-random sequence, so that a failure reproduces.
    let seed = 7;
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < whole.length; ) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const size = 1 + (seed % 97);
      chunks.push(whole.subarray(at, at + size));
      at += size;
    }
    expect(decodeChunks(chunks)).toEqual(expected);
  });

  it("splits the pipelined requests Riak received in one write", () => {
    const raw = recorded.filter(
      (r) => r.name === "raw bytes" && r.hex !== null && r.hex.length > 8,
    );
    expect(raw.length).toBe(2);
    const codes = raw.map((r) => new FrameDecoder().push(fromHex(r.hex ?? "")).map((f) => f.code));
    expect(codes).toEqual([
      [1, 1],
      [17, 1],
    ]);
  });
});
