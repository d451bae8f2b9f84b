import { type ClientHttp2Session, connect } from "node:http2";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Health } from "../../src/gen/grpc/health/v1/health_pb.js";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { type ServiceUnderTest, startServiceUnderTest } from "../support/service-under-test.js";
import { sample, scrape } from "./metrics-text.js";

function unexpected(): never {
  throw new Error("the call succeeded, but it should have failed");
}

describe("limits", () => {
  let sut: ServiceUnderTest;
  beforeAll(async () => {
    sut = await startServiceUnderTest("embedded", {
      server: {
        request_max_bytes: 1024,
        max_deadline_ms: 2000,
        max_streams: 2,
        max_streams_per_connection: 3,
      },
    });
  });
  afterAll(async () => {
    await sut.close();
  });

  const notifications = () =>
    createClient(NotificationService, createGrpcTransport({ baseUrl: sut.baseUrl }));

  it("refuses a request message over server.request_max_bytes with RESOURCE_EXHAUSTED", async () => {
    const error = await notifications()
      .createNotification({ username: "big", category: "like", message: "x".repeat(2000) })
      .then(unexpected, (e: unknown) => ConnectError.from(e));
    expect(error).toMatchObject({ code: Code.ResourceExhausted });
    expect(error.rawMessage).toMatch(
      /^message size \d+ is larger than configured readMaxBytes 1024$/,
    );
  });

  it("refuses an oversized Connect JSON body the same way", async () => {
    const response = await fetch(
      `${sut.baseUrl}/notification.v1.NotificationService/CreateNotification`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "big", category: "like", message: "x".repeat(2000) }),
      },
    );
    expect(response.status).toBe(429);
    expect(await response.json()).toMatchObject({ code: "resource_exhausted" });
  });

  it("refuses a deadline over server.max_deadline_ms with INVALID_ARGUMENT", async () => {
    const error = await notifications()
      .listNotifications({ username: "late" }, { timeoutMs: 5000 })
      .then(unexpected, (e: unknown) => ConnectError.from(e));
    expect(error).toMatchObject({ code: Code.InvalidArgument });
    expect(error.rawMessage).toBe("timeout 5000ms must be <= 2000");
  });

  it("accepts a deadline within the limit", async () => {
    const listed = await notifications().listNotifications(
      { username: "late" },
      { timeoutMs: 1500 },
    );
    expect(listed.notifications).toEqual([]);
  });

  it("refuses a stream over server.max_streams with RESOURCE_EXHAUSTED, and takes one again once a slot frees", async () => {
    const health = createClient(Health, createGrpcTransport({ baseUrl: sut.baseUrl }));
    const open = () => {
      const abort = new AbortController();
      const iterator = health.watch({}, { signal: abort.signal })[Symbol.asyncIterator]();
      return { first: iterator.next(), abort };
    };
    const streams = [open(), open()];
    await Promise.all(streams.map((s) => s.first));
    const refused = open();
    await expect(refused.first).rejects.toMatchObject({
      code: Code.ResourceExhausted,
      rawMessage: "too many open streams: the server allows 2 at a time; retry later",
    });
    // Unary calls are not streams: they still go through.
    expect((await health.check({})).status).toBe(1);
    const text = await scrape(sut.adminUrl);
    expect(
      sample(text, "notification_rpc_requests_total", {
        method: "grpc.health.v1.Health/Watch",
        code: "resource_exhausted",
      }),
    ).toBe(1);

    streams[0]?.abort.abort();
    await vi.waitFor(async () => {
      const again = open();
      await again.first;
      again.abort.abort();
    });
    streams[1]?.abort.abort();
  });
});

describe("the HTTP/2 stream limit per connection", () => {
  let sut: ServiceUnderTest;
  beforeAll(async () => {
    sut = await startServiceUnderTest("embedded", { server: { max_streams_per_connection: 2 } });
  });
  afterAll(async () => {
    await sut.close();
  });

  /** Opens a gRPC call on `session` with an empty message; reports whether it was answered. */
  function call(session: ClientHttp2Session, path: string) {
    const stream = session.request({
      ":method": "POST",
      ":path": path,
      "content-type": "application/grpc",
      te: "trailers",
    });
    stream.end(Buffer.from([0, 0, 0, 0, 0]));
    stream.resume();
    const answered = new Promise<boolean>((resolve) => {
      stream.once("response", () => resolve(true));
      stream.once("close", () => resolve(false));
    });
    const ended = new Promise<string>((resolve) => {
      stream.once("error", (error) => resolve(String(error)));
      stream.once("close", () => resolve("closed"));
    });
    return { stream, answered, ended };
  }

  it("is advertised in the connection's settings (server.max_streams_per_connection)", async () => {
    const session = connect(sut.baseUrl);
    try {
      await new Promise((resolve) => session.once("remoteSettings", resolve));
      expect(session.remoteSettings.maxConcurrentStreams).toBe(2);
    } finally {
      session.destroy();
    }
  });

  it("refuses a stream beyond it on that connection, while another connection is served", async () => {
    const session = connect(sut.baseUrl);
    const other = connect(sut.baseUrl);
    try {
      // Watch calls hold their slot until they are closed.
      const held = [
        call(session, "/grpc.health.v1.Health/Watch"),
        call(session, "/grpc.health.v1.Health/Watch"),
      ];
      const extra = call(session, "/grpc.health.v1.Health/Check");
      expect(await Promise.all(held.map((h) => h.answered))).toEqual([true, true]);
      expect(await call(other, "/grpc.health.v1.Health/Check").answered).toBe(true);
      for (const h of held) h.stream.close();
      expect(await extra.ended).toMatch(/ERR_HTTP2_STREAM_ERROR/);
      expect(await extra.answered).toBe(false);
    } finally {
      session.destroy();
      other.destroy();
    }
  });
});
