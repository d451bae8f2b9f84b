import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Health } from "../../src/gen/grpc/health/v1/health_pb.js";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { RuleService } from "../../src/gen/notification/v1/rule_pb.js";
import { createLogger } from "../../src/logging/logger.js";
import { createCallObserver } from "../../src/observability/call-observer.js";
import { createMetrics } from "../../src/observability/metrics.js";
import { captureLogs, type LogLine } from "../support/log-capture.js";
import { type ServiceUnderTest, startServiceUnderTest } from "../support/service-under-test.js";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const create = "notification.v1.NotificationService/CreateNotification";

describe("request logs", () => {
  let sut: ServiceUnderTest;
  let lines: LogLine[];
  beforeAll(async () => {
    const capture = captureLogs();
    lines = capture.lines;
    sut = await startServiceUnderTest("embedded", {}, { logger: capture.logger });
  });
  afterAll(async () => {
    await sut.close();
  });

  const requestLines = (requestId: string) => lines.filter((line) => line.requestId === requestId);

  function post(body: unknown, headers: Record<string, string> = {}) {
    return fetch(`${sut.baseUrl}/${create.replace("/", "/")}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  }

  it("writes one line per call with the request's own id, method, protocol, code and duration", async () => {
    const response = await post(
      { username: "logged", category: "like", message: "top-secret-message" },
      { "x-request-id": "req-42", authorization: "Bearer s3cret" },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("req-42");
    const logged = requestLines("req-42");
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 30,
      msg: "request",
      method: create,
      protocol: "connect",
      code: "ok",
    });
    expect(logged[0]?.durationMs).toEqual(expect.any(Number));
  });

  it("logs nothing secret: no header values, no message content", () => {
    const text = JSON.stringify(lines);
    expect(text).not.toContain("s3cret");
    expect(text).not.toContain("top-secret-message");
  });

  it("gives a call without X-Request-Id a new UUID, answered and logged", async () => {
    const response = await post({ username: "logged", category: "like", message: "hi" });
    const id = response.headers.get("x-request-id") ?? "";
    expect(id).toMatch(uuid);
    expect(requestLines(id)).toHaveLength(1);
  });

  it("logs a caller's mistake with its code and message", async () => {
    const client = createClient(NotificationService, createGrpcTransport({ baseUrl: sut.baseUrl }));
    await expect(
      client.createNotification(
        { username: "logged", category: "x", message: "hi" },
        { headers: { "x-request-id": "bad-category" } },
      ),
    ).rejects.toMatchObject({ code: Code.InvalidArgument });
    expect(requestLines("bad-category")).toEqual([
      expect.objectContaining({
        protocol: "grpc",
        code: "invalid_argument",
        error: expect.stringContaining("category"),
      }),
    ]);
  });

  it("logs calls refused before the implementation runs (an oversized message)", async () => {
    const client = createClient(NotificationService, createGrpcTransport({ baseUrl: sut.baseUrl }));
    await expect(
      client.createNotification(
        { username: "logged", category: "like", message: "x".repeat(70_000) },
        { headers: { "x-request-id": "too-big" } },
      ),
    ).rejects.toMatchObject({ code: Code.ResourceExhausted });
    expect(requestLines("too-big")).toEqual([
      expect.objectContaining({ method: create, code: "resource_exhausted", level: 40 }),
    ]);
  });

  it("logs a stream when it ends, with the code it ended with", async () => {
    const client = createClient(Health, createGrpcTransport({ baseUrl: sut.baseUrl }));
    const abort = new AbortController();
    const stream = client.watch({}, { signal: abort.signal, headers: { "x-request-id": "watch" } });
    await stream[Symbol.asyncIterator]().next();
    expect(requestLines("watch")).toEqual([]);
    abort.abort();
    await vi.waitFor(() => expect(requestLines("watch")).toHaveLength(1));
    expect(requestLines("watch")[0]).toMatchObject({
      method: "grpc.health.v1.Health/Watch",
      code: "canceled",
    });
  });
});

describe("request logs of server faults", () => {
  it("log the error with its cause at level error", async () => {
    const { logger, lines } = captureLogs();
    const observer = createCallObserver({ logger, metrics: createMetrics(), maxStreams: 10 });
    const transport = createRouterTransport(
      (router) =>
        router.service(RuleService, {
          listRules() {
            throw new Error("rules unreadable", { cause: new Error("disk on fire") });
          },
        }),
      { router: { requestGate: observer.requestGate, interceptors: [observer.interceptor] } },
    );
    const error = await createClient(RuleService, transport)
      .listRules({})
      .catch((e: unknown) => e);
    // The caller learns nothing of the cause.
    expect(ConnectError.from(error).rawMessage).toBe("internal error");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, code: "internal", msg: "request failed" });
    expect(JSON.stringify(lines[0]?.err)).toContain("rules unreadable");
    expect(JSON.stringify(lines[0]?.err)).toContain("disk on fire");
  });
});

describe("the logger", () => {
  it("takes its level from the configuration", () => {
    const logger = createLogger("warn");
    expect(logger.isLevelEnabled("info")).toBe(false);
    expect(logger.isLevelEnabled("warn")).toBe(true);
  });
});
