import { create, toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { CreateNotificationRequestSchema } from "../../src/gen/notification/v1/notification_pb.js";
import type { LogLine } from "../support/log-capture.js";
import { useLoggedService } from "../support/logged-service.js";
import {
  envelope,
  type RawAnswer,
  rawCall,
  serverFaultCodes,
  type WireError,
  wireErrorOf,
} from "../support/raw-call.js";

// A fuzz-style table: each malformed request goes over every protocol that
// can carry it, and must be answered as the caller's mistake (never a 5xx or
// INTERNAL), with a message naming the problem and no internal detail,
// logged at info; afterwards the server still serves every protocol.

const create_ = "/notification.v1.NotificationService/CreateNotification";
const subscribe = "/notification.v1.StreamService/Subscribe";

interface Encoding {
  readonly name: string;
  readonly http: "1.1" | "2";
  readonly format: "grpc" | "grpc-web" | "connect" | "connect-stream" | "rest";
  readonly contentType: string;
  readonly path: string;
  /** The body is a sequence of envelopes. */
  readonly framed: boolean;
  /** The header that names a body's (or a message's) compression. */
  readonly encodingHeader: string;
  readonly headers?: Readonly<Record<string, string>>;
}

const binaryEncodings: readonly Encoding[] = [
  {
    name: "gRPC (h2c)",
    http: "2",
    format: "grpc",
    contentType: "application/grpc",
    path: create_,
    framed: true,
    encodingHeader: "grpc-encoding",
    headers: { te: "trailers" },
  },
  {
    name: "gRPC-Web (HTTP/1.1)",
    http: "1.1",
    format: "grpc-web",
    contentType: "application/grpc-web+proto",
    path: create_,
    framed: true,
    encodingHeader: "grpc-encoding",
  },
  {
    name: "Connect proto (HTTP/1.1)",
    http: "1.1",
    format: "connect",
    contentType: "application/proto",
    path: create_,
    framed: false,
    encodingHeader: "content-encoding",
  },
  {
    name: "Connect proto (h2c)",
    http: "2",
    format: "connect",
    contentType: "application/proto",
    path: create_,
    framed: false,
    encodingHeader: "content-encoding",
  },
  {
    name: "Connect streaming proto (HTTP/1.1, Subscribe)",
    http: "1.1",
    format: "connect-stream",
    contentType: "application/connect+proto",
    path: subscribe,
    framed: true,
    encodingHeader: "connect-content-encoding",
  },
];

const jsonEncodings: readonly Encoding[] = [
  {
    name: "Connect JSON (HTTP/1.1)",
    http: "1.1",
    format: "connect",
    contentType: "application/json",
    path: create_,
    framed: false,
    encodingHeader: "content-encoding",
  },
  {
    name: "Connect JSON (h2c)",
    http: "2",
    format: "connect",
    contentType: "application/json",
    path: create_,
    framed: false,
    encodingHeader: "content-encoding",
  },
  {
    name: "REST (HTTP/1.1)",
    http: "1.1",
    format: "rest",
    contentType: "application/json",
    path: "/v1/notifications/ann",
    framed: false,
    encodingHeader: "content-encoding",
  },
  {
    name: "REST (h2c)",
    http: "2",
    format: "rest",
    contentType: "application/json",
    path: "/v1/notifications/ann",
    framed: false,
    encodingHeader: "content-encoding",
  },
];

const bytes = (...values: number[]) => Uint8Array.from(values);
const valid = toBinary(
  CreateNotificationRequestSchema,
  create(CreateNotificationRequestSchema, { username: "ann", category: "like", message: "hi" }),
);

// Message bodies that are not protobuf: each is sent as the whole body, or
// as the one message of an envelope.
const badMessages: readonly [string, Uint8Array][] = [
  ["two 0xff bytes", bytes(0xff, 0xff)],
  ["a truncated varint", bytes(0x08, 0x80)],
  ["a varint longer than 10 bytes", bytes(0x08, ...Array(10).fill(0xff), 0x01)],
  ["wire type 6", bytes(0x0e, 0x00)],
  ["wire type 7", bytes(0x0f, 0x00)],
  ["field number 0", bytes(0x02, 0x00)],
  ["a string declared longer than the message", bytes(0x0a, 0x10, 0x61, 0x62)],
  ["a length that overflows", bytes(0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f)],
  ["a group that never ends", bytes(0x0b, 0x08, 0x01)],
  ["an end-group tag with no group", bytes(0x0c)],
  ["a truncated fixed64", bytes(0x09, 0x01, 0x02, 0x03)],
  ["a truncated fixed32", bytes(0x0d, 0x01)],
  ["a map entry cut short", bytes(0x22, 0x05, 0x0a, 0x03, 0x6b)],
  ["a string field sent as a varint", bytes(0x08, 0x05)],
  ["a map sent as a fixed32", bytes(0x25, 0x01, 0x02, 0x03, 0x04)],
];

// Bodies whose framing is wrong (for the enveloped protocols).
const badFrames: readonly {
  readonly name: string;
  readonly body: Uint8Array;
  readonly code?: string;
  readonly compressed?: boolean;
}[] = [
  { name: "a truncated frame header", body: bytes(0x00, 0x00, 0x00) },
  { name: "a frame declaring 100 bytes that sends 4", body: envelope(valid.slice(0, 4), 0, 100) },
  {
    name: "a declared length over the limit",
    body: envelope(bytes(), 0, 0x7fffffff),
    code: "resource_exhausted",
  },
  { name: "reserved flag 0x80", body: envelope(valid, 0x80) },
  { name: "reserved flag 0x02", body: envelope(valid, 0x02) },
  { name: "reserved flags 0xfe", body: envelope(valid, 0xfe) },
  { name: "the compressed flag without an encoding", body: envelope(valid, 0x01) },
  {
    name: "two messages where one is expected",
    body: Buffer.concat([envelope(valid), envelope(valid)]),
  },
  { name: "no message", body: bytes() },
  { name: "a message flagged gzip that is not", body: envelope(valid, 0x01), compressed: true },
];

const badJson: readonly [string, string][] = [
  ["a cut-off object", "{"],
  ["an array", "[]"],
  ["a string", '"ann"'],
  ["null", "null"],
  ["not JSON at all", "hello"],
  ["a number for a string field", '{"category": 5, "message": "hi"}'],
  ["an array for a map", '{"category": "like", "message": "hi", "properties": []}'],
  ["an object for a map value", '{"category": "like", "message": "hi", "properties": {"a": {}}}'],
  ["a deeply nested array", `${"[".repeat(5000)}${"]".repeat(5000)}`],
];

interface Case {
  readonly name: string;
  readonly encoding: Encoding;
  readonly body: Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
  readonly code: string;
}

function cases(): Case[] {
  const all: Case[] = [];
  for (const encoding of binaryEncodings) {
    for (const [name, message] of badMessages) {
      const body = encoding.framed ? envelope(message) : message;
      all.push({ name, encoding, body, code: "invalid_argument" });
    }
    if (encoding.framed) {
      for (const frame of badFrames) {
        all.push({
          name: frame.name,
          encoding,
          body: frame.body,
          code: frame.code ?? "invalid_argument",
          ...(frame.compressed && { headers: { [encoding.encodingHeader]: "gzip" } }),
        });
      }
    } else {
      all.push({
        name: "a body flagged gzip that is not",
        encoding,
        body: valid,
        headers: { "content-encoding": "gzip" },
        code: "invalid_argument",
      });
    }
  }
  for (const encoding of jsonEncodings) {
    for (const [name, text] of badJson) {
      const code = encoding.format === "rest" ? "400" : "invalid_argument";
      all.push({ name, encoding, body: new TextEncoder().encode(text), code });
    }
  }
  return all;
}

describe("malformed requests over every protocol", () => {
  const { sut, lines } = useLoggedService();

  async function send(c: Case, requestId: string): Promise<RawAnswer> {
    return rawCall(sut().baseUrl, {
      http: c.encoding.http,
      path: c.encoding.path,
      headers: {
        "content-type": c.encoding.contentType,
        "x-request-id": requestId,
        ...c.encoding.headers,
        ...c.headers,
      },
      body: c.body,
    });
  }

  const all = cases();
  it(`answers ${all.length} malformed requests as the caller's mistake, naming it`, async () => {
    const failures: string[] = [];
    for (const [index, c] of all.entries()) {
      const requestId = `malformed-${index}`;
      const answer = await send(c, requestId);
      const error = wireErrorOf(c.encoding.format, answer);
      const problem = checkAnswer(c, answer, error, lines, requestId);
      if (problem) failures.push(`${c.encoding.name}, ${c.name}: ${problem}`);
    }
    expect(failures).toEqual([]);
  });

  it("still serves every protocol afterwards", async () => {
    for (const encoding of [...binaryEncodings, ...jsonEncodings]) {
      if (encoding.path !== create_ && encoding.format !== "rest") continue;
      const json = '{"username": "ann", "category": "like", "message": "hi"}';
      const body =
        encoding.contentType === "application/json"
          ? encoding.format === "rest"
            ? '{"category": "like", "message": "hi"}'
            : json
          : encoding.framed
            ? envelope(valid)
            : valid;
      const answer = await rawCall(sut().baseUrl, {
        http: encoding.http,
        path: encoding.path,
        headers: { "content-type": encoding.contentType, ...encoding.headers },
        body: typeof body === "string" ? new TextEncoder().encode(body) : body,
      });
      expect(answer.status, encoding.name).toBeLessThan(300);
      expect(wireErrorOf(encoding.format, answer), encoding.name).toBeUndefined();
    }
  });
});

function checkAnswer(
  c: Case,
  answer: RawAnswer,
  error: WireError | undefined,
  lines: readonly LogLine[],
  requestId: string,
): string | undefined {
  if (answer.status >= 500) return `HTTP ${answer.status}`;
  if (!error) return `no error (HTTP ${answer.status})`;
  if (serverFaultCodes.includes(error.code)) return `${error.code}: ${error.message}`;
  if (error.code !== c.code) return `${error.code} (expected ${c.code}): ${error.message}`;
  if (error.message.length < 10) return `message too short: ${JSON.stringify(error.message)}`;
  if (/\bat .+:\d+|node_modules|file:|\/src\//.test(error.message)) {
    return `internal detail in ${JSON.stringify(error.message)}`;
  }
  const logged = lines.filter((line) => line.requestId === requestId);
  if (logged.length !== 1) return `${logged.length} log lines`;
  // An oversized message is logged as pressure (warn), as every RESOURCE_EXHAUSTED is.
  const level = error.code === "resource_exhausted" ? 40 : 30;
  if (logged[0]?.level !== level) return `logged at level ${String(logged[0]?.level)}`;
  return undefined;
}
