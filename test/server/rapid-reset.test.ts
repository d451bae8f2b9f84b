import { constants } from "node:http2";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Health,
  HealthCheckResponse_ServingStatus as Status,
} from "../../src/gen/grpc/health/v1/health_pb.js";
import { captureLogs, type LogLine } from "../support/log-capture.js";
import {
  FrameType,
  headersFrame,
  openRawHttp2,
  readGoaway,
  rstStreamFrame,
} from "../support/raw-http2-frames.js";
import { type ServiceUnderTest, startServiceUnderTest } from "../support/service-under-test.js";

const attempts = 20_000;
const batch = 100;

describe("an HTTP/2 client that opens and resets streams as fast as it can (rapid reset)", () => {
  let sut: ServiceUnderTest;
  let lines: LogLine[];
  beforeAll(async () => {
    const logs = captureLogs("info");
    lines = logs.lines;
    // The shipped limits: 500 resets per 10 s.
    sut = await startServiceUnderTest("embedded", {}, { logger: logs.logger });
  });
  afterAll(async () => {
    await sut.close();
  });

  it("gets GOAWAY ENHANCE_YOUR_CALM and is disconnected, leaving a few log lines", async () => {
    const connection = await openRawHttp2(sut.service.port);
    let sent = 0;
    let closed = false;
    void connection.closed.then(() => {
      closed = true;
    });
    // Each stream: HEADERS without END_STREAM (a body would follow), then RST_STREAM CANCEL.
    while (sent < attempts && !closed) {
      const frames: Buffer[] = [];
      for (let i = 0; i < batch; i++, sent++) {
        const id = 2 * sent + 1;
        frames.push(
          headersFrame(id, [
            [":method", "POST"],
            [":scheme", "http"],
            [":path", "/notification.v1.NotificationService/CreateNotification"],
            [":authority", "localhost"],
            ["content-type", "application/grpc"],
            ["te", "trailers"],
          ]),
          rstStreamFrame(id, constants.NGHTTP2_CANCEL),
        );
      }
      await connection.send(...frames);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await connection.closed;

    const goaway = connection.frames.find((f) => f.type === FrameType.goaway);
    expect(goaway && readGoaway(goaway).errorCode).toBe(constants.NGHTTP2_ENHANCE_YOUR_CALM);
    expect(sent).toBeLessThan(attempts);
    // One line per stream the server started before it gave up, at info
    // (cancelled by the client), and one warning for the connection.
    const calls = lines.filter((l) => l.msg === "request");
    expect(calls.length).toBeLessThan(1000);
    expect(new Set(calls.map((l) => `${l.level} ${l.code}`))).toEqual(new Set(["30 canceled"]));
    // Beside the start-up warning of auth.mode none.
    const warnings = lines.filter((l) => Number(l.level) >= 40 && l.auth !== "none");
    expect(warnings.map((l) => l.msg)).toEqual([
      "HTTP/2 connection closed with ENHANCE_YOUR_CALM: it reset too many streams",
    ]);
  });

  it("keeps serving other connections", async () => {
    const health = createClient(Health, createGrpcTransport({ baseUrl: sut.baseUrl }));
    expect((await health.check({})).status).toBe(Status.SERVING);
  });
});
