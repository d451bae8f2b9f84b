import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { create, toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ListRulesRequestSchema } from "../../src/gen/notification/v1/rule_pb.js";
import { installedProgram } from "../support/installed-program.js";
import { useLoggedService } from "../support/logged-service.js";
import { envelope, rawCall, rawHttp1Text, wireErrorOf } from "../support/raw-call.js";

// Framing that a protocol forbids is refused the same way on every protocol
// that can carry it, as the README's "Malformed requests" says.

const run = promisify(execFile);
const listRules = "/notification.v1.RuleService/ListRules";
const emptyMessage = toBinary(ListRulesRequestSchema, create(ListRulesRequestSchema));
const twoTypes = "the request has 2 Content-Type headers; send exactly one";

// Node's HTTP/2 client cannot send a header twice; curl can. Without curl those
// cases are skipped, with one line naming the Debian package.
const curl = installedProgram("curl", "curl");

describe("framing a protocol forbids", () => {
  const { sut, logOf } = useLoggedService();

  describe("two Content-Type headers: INVALID_ARGUMENT before any protocol runs", () => {
    it.each([
      [
        "Connect JSON",
        listRules,
        ["application/json", "application/proto"],
        "{}",
        "invalid_argument",
      ],
      ["REST", "/v1/notifications/ann", ["application/json", "text/plain"], "{}", "400"],
    ] as const)("%s over HTTP/1.1 answers 400", async (name, path, types, body, code) => {
      const requestId = `two-types-${name}`;
      const answer = await rawHttp1Text(
        sut().baseUrl,
        [
          `POST ${path} HTTP/1.1`,
          `X-Request-Id: ${requestId}`,
          ...types.map((t) => `Content-Type: ${t}`),
        ].join("\r\n"),
        body,
      );
      expect(answer.status).toBe(400);
      expect(answer.headers.get("x-request-id")).toBe(requestId);
      expect(JSON.parse(answer.body)).toEqual({
        code: name === "REST" ? 400 : code,
        message: twoTypes,
      });
      expect(logOf(requestId)).toEqual([
        expect.objectContaining({ level: 30, code: "invalid_argument", error: twoTypes }),
      ]);
    });

    it("gRPC-Web over HTTP/1.1 answers gRPC-Web INVALID_ARGUMENT", async () => {
      const answer = await rawHttp1Text(
        sut().baseUrl,
        [
          `POST ${listRules} HTTP/1.1`,
          "Content-Type: application/grpc-web+proto",
          "Content-Type: application/json",
        ].join("\r\n"),
      );
      expect(answer.status).toBe(200);
      expect(answer.headers.get("grpc-status")).toBe("3");
      expect(decodeURIComponent(answer.headers.get("grpc-message") ?? "")).toBe(twoTypes);
    });

    it.skipIf(curl === undefined).each([
      ["gRPC", ["application/grpc", "application/json"], "200", "3"],
      ["Connect", ["application/json", "application/proto"], "400", null],
    ] as const)(
      "%s over h2c answers as its protocol says",
      async (_name, types, status, grpcStatus) => {
        const { stdout } = await run("curl", [
          "-s",
          "-i",
          "--http2-prior-knowledge",
          ...types.flatMap((t) => ["-H", `content-type: ${t}`]),
          "-H",
          "te: trailers",
          // No body: the refusal never reads one, and curl 7.88 can wait
          // forever when an HTTP/2 answer ends the stream while it uploads.
          "-X",
          "POST",
          `${sut().baseUrl}${listRules}`,
        ]);
        const [statusLine = "", ...headerLines] = stdout.split("\r\n");
        expect(statusLine.trim()).toBe(`HTTP/2 ${status}`);
        const grpc = headerLines.find((line) => line.startsWith("grpc-status:"));
        expect(grpc?.split(":")[1]?.trim() ?? null).toBe(grpcStatus);
        expect(stdout).toContain(grpcStatus ? encodeURIComponent(twoTypes) : twoTypes);
      },
    );
  });

  describe("te: trailers", () => {
    it("is required of gRPC: without it the call is INVALID_ARGUMENT and not run", async () => {
      const answer = await rawCall(sut().baseUrl, {
        http: "2",
        path: listRules,
        headers: { "content-type": "application/grpc", "x-request-id": "no-te" },
        body: envelope(emptyMessage),
      });
      expect(answer.status).toBe(200);
      expect(wireErrorOf("grpc", answer)).toEqual({
        code: "invalid_argument",
        message:
          'a gRPC request must carry the header "te: trailers" (it has none, or another value)',
      });
      expect(logOf("no-te")).toEqual([
        expect.objectContaining({
          protocol: "grpc",
          method: "notification.v1.RuleService/ListRules",
        }),
      ]);
    });

    it.each([
      ["gRPC-Web", "application/grpc-web+proto", "grpc-web", envelope(emptyMessage)],
      ["Connect", "application/proto", "connect", emptyMessage],
    ] as const)(
      "is not asked of %s, which browsers speak",
      async (_name, contentType, format, body) => {
        const answer = await rawCall(sut().baseUrl, {
          http: "2",
          path: listRules,
          headers: { "content-type": contentType },
          body,
        });
        expect(answer.status).toBe(200);
        expect(wireErrorOf(format, answer)).toBeUndefined();
      },
    );
  });

  describe("envelope flags other than 0x01 (compressed)", () => {
    it.each([
      ["gRPC (h2c)", "2", "application/grpc", "grpc"],
      ["gRPC-Web (HTTP/1.1)", "1.1", "application/grpc-web+proto", "grpc-web"],
      ["Connect streaming (HTTP/1.1)", "1.1", "application/connect+proto", "connect-stream"],
    ] as const)("are INVALID_ARGUMENT over %s", async (_name, http, contentType, format) => {
      const answer = await rawCall(sut().baseUrl, {
        http,
        path: format === "connect-stream" ? "/notification.v1.StreamService/Subscribe" : listRules,
        headers: { "content-type": contentType, te: "trailers" },
        body: envelope(emptyMessage, 0x80),
      });
      expect(answer.status).toBe(200);
      expect(wireErrorOf(format, answer)).toEqual({
        code: "invalid_argument",
        message:
          "protocol error: message 1 of the request has flags 0x80; a request message may only be flagged 0x01 (compressed)",
      });
    });
  });
});
