import { request } from "node:http";
import { connect, type IncomingHttpHeaders } from "node:http2";
import { Code, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { type ServiceUnderTest, startServiceUnderTest } from "../support/service-under-test.js";

// One behaviour for JSON on every protocol that carries it (Connect, gRPC-Web
// and gRPC with +json, REST), over HTTP/1.1 and h2c: an unknown field and a
// body that is not UTF-8 are INVALID_ARGUMENT naming the problem, and nothing
// is stored. Before, Connect JSON ignored unknown fields and stored invalid
// UTF-8 as U+FFFD, while REST refused both.

/** What a call answered, whatever the protocol: the gRPC code and the message. */
interface Outcome {
  readonly code: Code | "ok";
  readonly message: string;
}

type Http = "1.1" | "2";

/** A raw exchange: status, headers, body bytes and (HTTP/2) trailers. */
interface Exchange {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly trailers: IncomingHttpHeaders;
}

let sut: ServiceUnderTest;
beforeAll(async () => {
  sut = await startServiceUnderTest("embedded");
});
afterAll(async () => {
  await sut.close();
});

function send(
  http: Http,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<Exchange> {
  return http === "2" ? sendH2(method, path, headers, body) : sendH1(method, path, headers, body);
}

function sendH1(
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const req = request(`${sut.baseUrl}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          trailers: res.trailers,
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

function sendH2(
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<Exchange> {
  const session = connect(sut.baseUrl);
  return new Promise<Exchange>((resolve, reject) => {
    const stream = session.request({ ":method": method, ":path": path, ...headers });
    const chunks: Buffer[] = [];
    let answered: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders = {};
    stream.on("response", (h) => {
      answered = h;
    });
    stream.on("trailers", (h) => {
      trailers = h;
    });
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () =>
      resolve({
        status: Number(answered[":status"]),
        headers: answered,
        body: Buffer.concat(chunks),
        trailers,
      }),
    );
    stream.on("error", reject);
    stream.end(body);
  }).finally(() => session.close());
}

/** A gRPC length-prefixed message frame. */
function envelope(message: Buffer): Buffer {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  message.copy(frame, 5);
  return frame;
}

/** The length-prefixed frames of a body: their flags and payloads. */
function* frames(body: Buffer): Generator<{ flags: number; payload: Buffer }> {
  let at = 0;
  while (at + 5 <= body.length) {
    const length = body.readUInt32BE(at + 1);
    yield { flags: body[at] ?? 0, payload: body.subarray(at + 5, at + 5 + length) };
    at += 5 + length;
  }
}

/** The gRPC status of headers, trailers or a gRPC-Web trailer frame. */
function grpcOutcome(exchange: Exchange): Outcome {
  let fields: Record<string, string | string[] | undefined> = {
    ...exchange.headers,
    ...exchange.trailers,
  };
  if (fields["grpc-status"] === undefined) {
    // gRPC-Web: the trailers are the body's last frame, flagged 0x80.
    for (const { flags, payload } of frames(exchange.body)) {
      if (flags & 0x80) {
        const text = payload.toString("utf8");
        fields = Object.fromEntries(
          text
            .split("\r\n")
            .filter((line) => line.includes(":"))
            .map((line) => {
              const colon = line.indexOf(":");
              return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
            }),
        );
      }
    }
  }
  const status = Number(fields["grpc-status"]);
  return {
    code: status === 0 ? "ok" : (status as Code),
    message: decodeURIComponent(String(fields["grpc-message"] ?? "")),
  };
}

const connectCodes: Record<string, Code> = {
  invalid_argument: Code.InvalidArgument,
  internal: Code.Internal,
};

/** How each JSON protocol sends a CreateNotification body and reads the answer. */
const protocols: Record<string, (username: string, json: Buffer) => Promise<Outcome>> = {};
for (const http of ["1.1", "2"] as const) {
  protocols[`Connect JSON over ${http === "2" ? "h2c" : "HTTP/1.1"}`] = async (username, json) => {
    const answer = await send(
      http,
      "POST",
      "/notification.v1.NotificationService/CreateNotification",
      { "content-type": "application/json" },
      withUsername(username, json),
    );
    if (answer.status === 200) return { code: "ok", message: "" };
    const body = JSON.parse(answer.body.toString("utf8")) as { code: string; message: string };
    return { code: connectCodes[body.code] ?? Code.Unknown, message: body.message };
  };
  protocols[`REST over ${http === "2" ? "h2c" : "HTTP/1.1"}`] = async (username, json) => {
    const answer = await send(
      http,
      "POST",
      `/v1/notifications/${username}`,
      { "content-type": "application/json" },
      json,
    );
    if (answer.status === 201) return { code: "ok", message: "" };
    const body = JSON.parse(answer.body.toString("utf8")) as { code: number; message: string };
    expect(body.code).toBe(answer.status);
    return {
      code: answer.status === 400 ? Code.InvalidArgument : Code.Unknown,
      message: body.message,
    };
  };
}
protocols["gRPC-Web JSON over HTTP/1.1"] = overGrpc("1.1", "application/grpc-web+json");
protocols["gRPC JSON over h2c"] = overGrpc("2", "application/grpc+json");

function overGrpc(http: Http, contentType: string) {
  return async (username: string, json: Buffer): Promise<Outcome> =>
    grpcOutcome(
      await send(
        http,
        "POST",
        "/notification.v1.NotificationService/CreateNotification",
        { "content-type": contentType, te: "trailers" },
        envelope(withUsername(username, json)),
      ),
    );
}

/** An RPC body carries the username, which REST takes from the path: `{"username":…,` + the rest. */
function withUsername(username: string, json: Buffer): Buffer {
  const text = json.toString("latin1");
  if (!text.startsWith("{")) throw new Error("the test bodies are JSON objects");
  return Buffer.concat([Buffer.from(`{"username":${JSON.stringify(username)},`), json.subarray(1)]);
}

async function storedFor(username: string): Promise<string[]> {
  const client = createClient(
    NotificationService,
    createConnectTransport({ baseUrl: sut.baseUrl, httpVersion: "1.1" }),
  );
  const page = await client.listNotifications({ username, pageToken: "" });
  return page.notifications.map((n) => n.message);
}

describe.each(Object.entries(protocols))("JSON input over %s", (name, call) => {
  const user = (what: string) => `${what}-${name.replace(/[^A-Za-z0-9]/g, "")}`;

  it("accepts a valid body (the control)", async () => {
    const body = Buffer.from('{"category":"like","message":"héllo 🙂"}');
    expect(await call(user("control"), body)).toEqual({ code: "ok", message: "" });
    expect(await storedFor(user("control"))).toEqual(["héllo 🙂"]);
  });

  it("refuses an unknown field with INVALID_ARGUMENT naming it, and stores nothing", async () => {
    const body = Buffer.from('{"category":"like","message":"m","bogus_field":1}');
    const outcome = await call(user("unknown"), body);
    expect(outcome.code).toBe(Code.InvalidArgument);
    expect(outcome.message).toContain('"bogus_field"');
    expect(await storedFor(user("unknown"))).toEqual([]);
  });

  it("refuses a body that is not valid UTF-8 with INVALID_ARGUMENT, and stores nothing", async () => {
    // "m\xff": a lone continuation byte inside the message string.
    const body = Buffer.concat([
      Buffer.from('{"category":"like","message":"m'),
      Buffer.from([0xff]),
      Buffer.from('"}'),
    ]);
    const outcome = await call(user("utf8"), body);
    expect(outcome).toEqual({
      code: Code.InvalidArgument,
      message: "the request body is not valid UTF-8",
    });
    expect(await storedFor(user("utf8"))).toEqual([]);
  });
});

// Streams read their request with the same options: Subscribe over Connect's
// streaming JSON (`application/connect+json`), whose error is the end-stream frame.
describe("JSON input of a Connect JSON stream (Subscribe)", () => {
  async function subscribe(json: Buffer): Promise<{ code?: string; message?: string }> {
    const answer = await send(
      "1.1",
      "POST",
      "/notification.v1.StreamService/Subscribe",
      { "content-type": "application/connect+json", "connect-protocol-version": "1" },
      envelope(json),
    );
    for (const { flags, payload } of frames(answer.body)) {
      if (flags & 0x02) {
        const end = JSON.parse(payload.toString("utf8"));
        return (end as { error?: { code: string; message: string } }).error ?? {};
      }
    }
    throw new Error(`no end-stream frame (HTTP ${answer.status})`);
  }

  it("refuses an unknown field, naming it", async () => {
    const error = await subscribe(Buffer.from('{"username":"streamer","bogus_field":true}'));
    expect(error.code).toBe("invalid_argument");
    expect(error.message).toContain('"bogus_field"');
  });

  it("refuses a request that is not valid UTF-8", async () => {
    const json = Buffer.concat([
      Buffer.from('{"username":"s'),
      Buffer.from([0xc3]),
      Buffer.from('"}'),
    ]);
    expect(await subscribe(json)).toEqual({
      code: "invalid_argument",
      message: "the request body is not valid UTF-8",
    });
  });
});
