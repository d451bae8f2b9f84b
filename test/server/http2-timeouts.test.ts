import { type ClientHttp2Session, type ClientHttp2Stream, connect } from "node:http2";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  Health,
  HealthCheckResponse_ServingStatus as Status,
} from "../../src/gen/grpc/health/v1/health_pb.js";
import { ServerReflection } from "../../src/gen/grpc/reflection/v1/reflection_pb.js";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { StreamService } from "../../src/gen/notification/v1/stream_pb.js";
import { captureLogs, type LogLine } from "../support/log-capture.js";
import { type ServiceUnderTest, startServiceUnderTest } from "../support/service-under-test.js";

const createPath = "/notification.v1.NotificationService/CreateNotification";

/** What one raw HTTP/2 request got: status, headers, body and trailers. */
interface RawAnswer {
  readonly status: number | undefined;
  readonly headers: Record<string, unknown>;
  readonly body: string;
  readonly trailers: Record<string, unknown>;
}

/** Sends `body` on a new stream without ending it, as a client that stalls; resolves once the stream closes. */
function stalledRequest(
  session: ClientHttp2Session,
  headers: Record<string, string>,
  body: Buffer,
): { stream: ClientHttp2Stream; answer: Promise<RawAnswer> } {
  const stream = session.request({ ":method": "POST", ...headers });
  stream.write(body);
  let response: Record<string, unknown> = {};
  let trailers: Record<string, unknown> = {};
  let text = "";
  stream.on("response", (h) => {
    response = h;
  });
  stream.on("trailers", (h) => {
    trailers = h;
  });
  stream.on("data", (chunk: Buffer) => {
    text += chunk.toString("latin1");
  });
  stream.on("error", () => undefined);
  const answer = new Promise<RawAnswer>((resolve) =>
    stream.once("close", () =>
      resolve({
        status: response[":status"] as number | undefined,
        headers: response,
        body: text,
        trailers,
      }),
    ),
  );
  return { stream, answer };
}

/** A gRPC message prefix that promises `declared` bytes, followed by `sent` of them. */
function partialGrpcMessage(declared: number, sent: number): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(declared, 1);
  return Buffer.concat([prefix, Buffer.alloc(sent)]);
}

/** Opens a gRPC call to `path` with one empty message. */
function emptyGrpcCall(session: ClientHttp2Session, path: string): ClientHttp2Stream {
  const stream = session.request({
    ":method": "POST",
    ":path": path,
    "content-type": "application/grpc",
    te: "trailers",
  });
  stream.end(Buffer.alloc(5));
  return stream;
}

/** Subscribes, waits `ms` with nothing to send, then expects a new notification to arrive. */
async function expectSubscribeToOutlast(baseUrl: string, ms: number): Promise<void> {
  const transport = createGrpcTransport({ baseUrl });
  const abort = new AbortController();
  const username = `quiet-${ms}`;
  const events = createClient(StreamService, transport)
    .subscribe({ username }, { signal: abort.signal })
    [Symbol.asyncIterator]();
  try {
    expect((await events.next()).value?.event.case).toBe("state");
    await new Promise((resolve) => setTimeout(resolve, ms));
    await createClient(NotificationService, transport).createNotification({
      username,
      category: "like",
      message: "still here",
    });
    expect((await events.next()).value?.event.case).toBe("notification");
  } finally {
    abort.abort();
  }
}

const grpcHeaders = { ":path": createPath, "content-type": "application/grpc", te: "trailers" };

describe("HTTP/2 request bodies that stall (server.body_timeout_ms)", () => {
  let sut: ServiceUnderTest;
  let lines: LogLine[];
  let session: ClientHttp2Session;
  beforeAll(async () => {
    const logs = captureLogs("info");
    lines = logs.lines;
    sut = await startServiceUnderTest(
      "embedded",
      { server: { body_timeout_ms: 400, max_streams_per_connection: 4 } },
      { logger: logs.logger },
    );
  });
  afterEach(() => session?.destroy());
  afterAll(async () => {
    await sut.close();
  });

  it("answers a gRPC call whose message never fully arrives with DEADLINE_EXCEEDED, and frees its stream", async () => {
    session = connect(sut.baseUrl);
    // Four stalled calls take every stream slot of the connection.
    const stalled = Array.from(
      { length: 4 },
      () => stalledRequest(session, grpcHeaders, partialGrpcMessage(60_000, 10)).answer,
    );
    for (const answer of await Promise.all(stalled)) {
      expect(answer.trailers["grpc-status"]).toBe(String(Code.DeadlineExceeded));
      expect(decodeURIComponent(String(answer.trailers["grpc-message"]))).toBe(
        "the request body did not arrive within 400 ms",
      );
    }
    // The slots are free again: a call on the same connection is answered.
    const check = emptyGrpcCall(session, "/grpc.health.v1.Health/Check");
    check.resume();
    const trailers = await new Promise<Record<string, unknown>>((resolve) =>
      check.once("trailers", resolve),
    );
    expect(trailers["grpc-status"]).toBe("0");
    const timedOut = lines.filter(
      (l) => l.method === "notification.v1.NotificationService/CreateNotification",
    );
    expect(timedOut.map((l) => [l.level, l.code])).toEqual(
      Array.from({ length: 4 }, () => [40, "deadline_exceeded"]),
    );
  });

  it("answers a stalled gRPC-Web call the same way", async () => {
    session = connect(sut.baseUrl);
    const { answer } = stalledRequest(
      session,
      { ":path": createPath, "content-type": "application/grpc-web+proto" },
      partialGrpcMessage(60_000, 10),
    );
    const { body } = await answer;
    expect(body).toContain(`grpc-status: ${Code.DeadlineExceeded}`);
  });

  it("answers a stalled Connect JSON call 504 deadline_exceeded", async () => {
    session = connect(sut.baseUrl);
    const { answer } = stalledRequest(
      session,
      { ":path": createPath, "content-type": "application/json", "content-length": "600" },
      Buffer.from('{"username":'),
    );
    const { status, body } = await answer;
    expect(status).toBe(504);
    expect(JSON.parse(body)).toEqual({
      code: "deadline_exceeded",
      message: "the request body did not arrive within 400 ms",
    });
  });

  it("answers a stalled REST body 408 with the REST error body", async () => {
    session = connect(sut.baseUrl);
    const { answer } = stalledRequest(
      session,
      {
        ":path": "/v1/notifications/ann",
        "content-type": "application/json",
        "content-length": "600",
      },
      Buffer.from('{"category":'),
    );
    const { status, body } = await answer;
    expect(status).toBe(408);
    expect(JSON.parse(body)).toEqual({
      code: 408,
      message: "the request body did not arrive within 400 ms",
    });
  });

  it("still takes a body that arrives in parts within the limit", async () => {
    session = connect(sut.baseUrl);
    const message = JSON.stringify({ username: "slow", category: "like", message: "in parts" });
    const stream = session.request({
      ":method": "POST",
      ":path": createPath,
      "content-type": "application/json",
    });
    stream.write(message.slice(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 100));
    stream.end(message.slice(10));
    let status: unknown;
    stream.on("response", (h) => {
      status = h[":status"];
    });
    stream.resume();
    await new Promise((resolve) => stream.once("close", resolve));
    expect(status).toBe(200);
  });
});

describe("HTTP/2 connections and server streams under the timeouts", () => {
  let sut: ServiceUnderTest;
  const sessions: ClientHttp2Session[] = [];
  beforeAll(async () => {
    sut = await startServiceUnderTest("embedded", {
      server: { body_timeout_ms: 300, idle_timeout_ms: 300 },
    });
  });
  afterAll(async () => {
    for (const s of sessions) s.destroy();
    await sut.close();
  });

  function open(): ClientHttp2Session {
    const session = connect(sut.baseUrl);
    sessions.push(session);
    return session;
  }

  it("closes a connection that stays idle with a GOAWAY (server.idle_timeout_ms)", async () => {
    const session = open();
    const goaway = new Promise<number>((resolve) =>
      session.once("goaway", (code) => resolve(code)),
    );
    const closed = new Promise((resolve) => session.once("close", resolve));
    expect(await goaway).toBe(0);
    await closed;
  });

  it("does not close a connection while a quiet Health.Watch is open; closes it once the watch ends", async () => {
    const session = open();
    let goaway = false;
    session.on("goaway", () => {
      goaway = true;
    });
    const watch = emptyGrpcCall(session, "/grpc.health.v1.Health/Watch");
    const first = new Promise((resolve) => watch.once("data", resolve));
    await first;
    // Several idle and body timeouts pass with nothing sent either way.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(goaway).toBe(false);
    expect(session.closed).toBe(false);
    watch.close();
    await vi.waitFor(() => expect(goaway).toBe(true));
  });

  it("does not cut a Subscribe stream: it still delivers after the timeouts passed", async () => {
    await expectSubscribeToOutlast(sut.baseUrl, 1500);
  });

  it("does not time the request stream of a gRPC reflection call", async () => {
    const transport = createGrpcTransport({ baseUrl: sut.baseUrl });
    async function* requests() {
      yield { messageRequest: { case: "listServices" as const, value: "" } };
      // Longer than the body timeout: the client keeps its request stream open.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      yield { messageRequest: { case: "listServices" as const, value: "" } };
    }
    const answers = [];
    for await (const answer of createClient(ServerReflection, transport).serverReflectionInfo(
      requests(),
    )) {
      answers.push(answer.messageResponse.case);
    }
    expect(answers).toEqual(["listServicesResponse", "listServicesResponse"]);
  });

  it("serves a new connection after an idle one was closed", async () => {
    const health = createClient(Health, createGrpcTransport({ baseUrl: sut.baseUrl }));
    expect((await health.check({})).status).toBe(Status.SERVING);
  });
});

describe("the default deadline of unary calls (server.default_deadline_ms)", () => {
  let sut: ServiceUnderTest;
  beforeAll(async () => {
    sut = await startServiceUnderTest("riak", { server: { default_deadline_ms: 300 } });
  });
  afterAll(async () => {
    await sut.close();
  });

  const notifications = () =>
    createClient(NotificationService, createGrpcTransport({ baseUrl: sut.baseUrl }));

  it("ends a call without a deadline of its own with DEADLINE_EXCEEDED once it passes", async () => {
    for (const node of sut.riak?.nodes ?? []) node.setDelay(2000);
    try {
      const error = await notifications()
        .listNotifications({ username: "slow" })
        .then(
          () => undefined,
          (e: unknown) => ConnectError.from(e),
        );
      expect(error).toMatchObject({ code: Code.DeadlineExceeded });
      expect(error?.rawMessage).toBe(
        "the call did not finish within the server's default deadline of 300 ms",
      );
    } finally {
      for (const node of sut.riak?.nodes ?? []) node.setDelay(0);
    }
  });

  it("does not cut a Subscribe stream", async () => {
    await expectSubscribeToOutlast(sut.baseUrl, 1000);
  });

  it("leaves a call with the client's own deadline to that deadline", async () => {
    for (const node of sut.riak?.nodes ?? []) node.setDelay(500);
    try {
      const listed = await notifications().listNotifications(
        { username: "slow" },
        { timeoutMs: 20_000 },
      );
      expect(listed.notifications).toEqual([]);
    } finally {
      for (const node of sut.riak?.nodes ?? []) node.setDelay(0);
    }
  });
});
