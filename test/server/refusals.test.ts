import { Client, credentials, type ServiceError, status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { sample, scrape } from "../operability/metrics-text.js";
import { useLoggedService } from "../support/logged-service.js";
import { envelope, rawCall, wireErrorOf } from "../support/raw-call.js";

// Calls refused before they reach a method get what REST's refusals always
// had: an error in the caller's protocol, X-Request-Id, a log line and the
// request metrics.

const create = "/notification.v1.NotificationService/CreateNotification";

const protocols = [
  {
    name: "gRPC (h2c)",
    http: "2",
    format: "grpc",
    protocol: "grpc",
    headers: { "content-type": "application/grpc", te: "trailers" },
    body: envelope(new Uint8Array()),
  },
  {
    name: "gRPC-Web (HTTP/1.1)",
    http: "1.1",
    format: "grpc-web",
    protocol: "grpc-web",
    headers: { "content-type": "application/grpc-web+proto" },
    body: envelope(new Uint8Array()),
  },
  {
    name: "Connect JSON (HTTP/1.1)",
    http: "1.1",
    format: "connect",
    protocol: "connect",
    headers: { "content-type": "application/json" },
    body: new TextEncoder().encode("{}"),
  },
  {
    name: "Connect proto (h2c)",
    http: "2",
    format: "connect",
    protocol: "connect",
    headers: { "content-type": "application/proto" },
    body: new Uint8Array(),
  },
] as const;

describe("calls refused before a method", () => {
  const { sut, logOf } = useLoggedService();

  const counted = async (labels: Record<string, string>) =>
    sample(await scrape(sut().adminUrl), "notification_rpc_requests_total", labels) ?? 0;

  describe.each(protocols)("over $name", (p) => {
    it.each([
      [
        "/notification.v1.NotificationService/Nope",
        "notification.v1.NotificationService has no method Nope",
      ],
      ["/acme.v1.Anvils/Drop", "unknown service acme.v1.Anvils"],
    ])(
      "answers an unknown RPC path %s as UNIMPLEMENTED, logged and counted",
      async (path, message) => {
        const labels = { method: "unknown", protocol: p.protocol, code: "unimplemented" };
        const before = await counted(labels);
        const requestId = `unknown-${p.name}-${path}`;
        const answer = await rawCall(sut().baseUrl, {
          http: p.http,
          path,
          headers: { ...p.headers, "x-request-id": requestId },
          body: p.body,
        });
        // gRPC answers 200 with the status in a trailers-only answer; Connect
        // answers 404 with its JSON error body.
        expect(answer.status).toBe(p.format === "connect" ? 404 : 200);
        expect(answer.headers.get("x-request-id")).toBe(requestId);
        expect(wireErrorOf(p.format, answer)).toEqual({ code: "unimplemented", message });
        expect(logOf(requestId)).toEqual([
          expect.objectContaining({ level: 30, ...labels, error: message }),
        ]);
        expect(await counted(labels)).toBe(before + 1);
      },
    );
  });

  it.each(["1.1", "2"] as const)(
    "answers GET on a POST-only method with 405, Allow and a Connect error (HTTP/%s)",
    async (http) => {
      const requestId = `get-${http}`;
      const answer = await rawCall(sut().baseUrl, {
        http,
        method: "GET",
        path: create,
        headers: { "x-request-id": requestId },
      });
      expect(answer.status).toBe(405);
      expect(answer.headers.get("allow")).toBe("POST");
      expect(answer.headers.get("x-request-id")).toBe(requestId);
      expect(wireErrorOf("connect", answer)).toEqual({
        code: "unimplemented",
        message:
          "GET is not allowed on notification.v1.NotificationService/CreateNotification; use POST",
      });
      expect(logOf(requestId)).toEqual([
        expect.objectContaining({
          method: "notification.v1.NotificationService/CreateNotification",
          code: "unimplemented",
          level: 30,
        }),
      ]);
    },
  );

  it.each(["1.1", "2"] as const)(
    "answers a Content-Type no protocol takes with 415 and a Connect error naming the types (HTTP/%s)",
    async (http) => {
      const labels = {
        method: "notification.v1.NotificationService/CreateNotification",
        protocol: "connect",
        code: "invalid_argument",
      };
      const before = await counted(labels);
      const requestId = `text-${http}`;
      const answer = await rawCall(sut().baseUrl, {
        http,
        path: create,
        headers: { "content-type": "text/plain", "x-request-id": requestId },
        body: new TextEncoder().encode("hello"),
      });
      expect(answer.status).toBe(415);
      expect(answer.headers.get("x-request-id")).toBe(requestId);
      const error = wireErrorOf("connect", answer);
      expect(error?.code).toBe("invalid_argument");
      expect(error?.message).toMatch(
        /^Content-Type "text\/plain" is not supported by .*application\/json/,
      );
      expect(logOf(requestId)).toHaveLength(1);
      expect(await counted(labels)).toBe(before + 1);
    },
  );

  it("answers a gRPC Content-Type gRPC does not take as gRPC INVALID_ARGUMENT", async () => {
    const answer = await rawCall(sut().baseUrl, {
      http: "2",
      path: create,
      headers: { "content-type": "application/grpc+xml", te: "trailers", "x-request-id": "xml" },
      body: envelope(new Uint8Array()),
    });
    expect(answer.status).toBe(200);
    expect(wireErrorOf("grpc", answer)?.code).toBe("invalid_argument");
    expect(logOf("xml")).toEqual([expect.objectContaining({ protocol: "grpc", level: 30 })]);
  });

  describe("REST refusals by the transcoder", () => {
    it.each([
      { method: "GET", path: "/v2/nothing", headers: {}, body: "", status: 404 },
      { method: "PATCH", path: "/v1/rules", headers: {}, body: "", status: 405 },
      {
        method: "POST",
        path: "/v1/notifications/ann",
        headers: { "content-type": "text/plain" },
        body: "hi",
        status: 415,
      },
      {
        method: "POST",
        path: "/v1/notifications/ann",
        headers: { "content-type": "application/json" },
        body: "{",
        status: 400,
      },
      {
        method: "POST",
        path: "/v1/notifications/ann",
        headers: { "content-type": "application/json" },
        body: "x".repeat(70_000),
        status: 413,
      },
    ])(
      "$method $path answers $status: logged and counted",
      async ({ method, path, headers, body, status }) => {
        const route = path.startsWith("/v1/notifications")
          ? "notification.v1.NotificationService/CreateNotification"
          : "unknown";
        const requestId = `rest-${status}`;
        const answer = await rawCall(sut().baseUrl, {
          http: "1.1",
          method,
          path,
          headers: { ...headers, "x-request-id": requestId },
          body: new TextEncoder().encode(body),
        });
        expect(answer.status).toBe(status);
        expect(answer.headers.get("x-request-id")).toBe(requestId);
        const error = wireErrorOf("rest", answer);
        expect(error?.code).toBe(String(status));
        const logged = logOf(requestId);
        expect(logged).toEqual([
          expect.objectContaining({
            level: 30,
            protocol: "rest",
            method: route,
            error: error?.message,
          }),
        ]);
        const code = logged[0]?.code as string;
        expect(await counted({ method: route, protocol: "rest", code })).toBeGreaterThanOrEqual(1);
      },
    );

    it("does not count a REST call twice when the method itself refuses it", async () => {
      const requestId = "rest-validation";
      const answer = await rawCall(sut().baseUrl, {
        http: "1.1",
        path: "/v1/notifications/ann",
        headers: { "content-type": "application/json", "x-request-id": requestId },
        body: new TextEncoder().encode('{"category": "x", "message": "hi"}'),
      });
      expect(answer.status).toBe(400);
      expect(logOf(requestId)).toEqual([
        expect.objectContaining({ protocol: "connect", code: "invalid_argument" }),
      ]);
    });
  });

  describe("read by another gRPC stack (@grpc/grpc-js)", () => {
    // grpc-js takes a status from the headers only when they end the stream:
    // a trailers-only answer must be one HEADERS frame.
    function call(path: string, request: Uint8Array): Promise<ServiceError> {
      const client = new Client(new URL(sut().baseUrl).host, credentials.createInsecure());
      return new Promise<ServiceError>((resolve, reject) => {
        client.makeUnaryRequest(
          path,
          () => Buffer.from(request),
          (bytes: Buffer) => bytes,
          {},
          (error) => (error ? resolve(error) : reject(new Error("the call succeeded"))),
        );
      }).finally(() => client.close());
    }

    it("sees an unknown method as UNIMPLEMENTED with its message", async () => {
      const error = await call("/notification.v1.NotificationService/Nope", new Uint8Array());
      expect(error.code).toBe(status.UNIMPLEMENTED);
      expect(error.details).toBe("notification.v1.NotificationService has no method Nope");
    });

    it("sees a request it sent that is not protobuf as INVALID_ARGUMENT", async () => {
      const error = await call(create, Uint8Array.from([0xff, 0xff]));
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.details).toMatch(
        /^the request is not a valid notification\.v1\.CreateNotificationRequest/,
      );
    });
  });
});
