import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { PreferenceService } from "../../src/gen/notification/v1/preference_pb.js";
import { RuleService } from "../../src/gen/notification/v1/rule_pb.js";
import { StreamService } from "../../src/gen/notification/v1/stream_pb.js";
import { TopicService } from "../../src/gen/notification/v1/topic_pb.js";
import { createCallObserver } from "../../src/observability/call-observer.js";
import { createMetrics } from "../../src/observability/metrics.js";
import { createRestTranscoder } from "../../src/rest/transcoder.js";
import { errorMapping } from "../../src/server/error-mapping.js";
import { type HttpServer, startHttpServer } from "../../src/server/http-server.js";
import { captureLogs, type LogLine } from "../support/log-capture.js";
import { useLoggedService } from "../support/logged-service.js";
import { testHttpServerOptions } from "../support/module-options.js";
import { rawCall, wireErrorOf } from "../support/raw-call.js";

// What a client sees of a failure is what it needs and nothing more: no
// host:port, no file path, no stack, over every protocol. The detail is in
// the log line of the same request id.

const leaks: readonly [string, RegExp][] = [
  ["a host:port", /\b\d{1,3}(?:\.\d{1,3}){3}:\d+|\blocalhost:\d+|\[[0-9a-f:]+\]:\d+/i],
  ["a file path", /(?:^|[\s("'{[,=])\/[\w.@-]+\/[\w.@/-]+/],
  ["a stack frame", /\n\s+at\s|\.(?:ts|js|erl):\d+|\{line,/],
];

function leaked(text: string): string[] {
  return leaks.filter(([, pattern]) => pattern.test(text)).map(([name]) => name);
}

type RpcCall = (transport: Transport, requestId: string) => Promise<unknown>;

const rpcTransports: Record<string, (baseUrl: string) => Transport> = {
  "gRPC (h2c)": (baseUrl) => createGrpcTransport({ baseUrl }),
  "gRPC-Web (HTTP/1.1)": (baseUrl) => createGrpcWebTransport({ baseUrl, httpVersion: "1.1" }),
  "Connect JSON (HTTP/1.1)": (baseUrl) => createConnectTransport({ baseUrl, httpVersion: "1.1" }),
  "Connect proto (HTTP/1.1)": (baseUrl) =>
    createConnectTransport({ baseUrl, httpVersion: "1.1", useBinaryFormat: true }),
  "Connect JSON (h2c)": (baseUrl) => createConnectTransport({ baseUrl, httpVersion: "2" }),
  "Connect proto (h2c)": (baseUrl) =>
    createConnectTransport({ baseUrl, httpVersion: "2", useBinaryFormat: true }),
};

const rpcCalls: Record<string, RpcCall> = {
  CreateNotification: (transport, requestId) =>
    createClient(NotificationService, transport).createNotification(
      { username: "ann", category: "like", message: "hi" },
      { headers: { "x-request-id": requestId } },
    ),
  ListNotifications: (transport, requestId) =>
    createClient(NotificationService, transport).listNotifications(
      { username: "ann" },
      { headers: { "x-request-id": requestId } },
    ),
  Subscribe: async (transport, requestId) => {
    const stream = createClient(StreamService, transport).subscribe(
      { username: "ann" },
      { headers: { "x-request-id": requestId } },
    );
    for await (const _ of stream) break;
  },
};

const restCalls = {
  "POST /v1/notifications/ann": {
    method: "POST",
    path: "/v1/notifications/ann",
    headers: { "content-type": "application/json" },
    body: new TextEncoder().encode('{"category": "like", "message": "hi"}'),
  },
  "GET /v1/notifications/ann": { method: "GET", path: "/v1/notifications/ann" },
};

interface Seen {
  readonly code: string;
  readonly message: string;
  /** Everything the client received: message, headers, trailers, body. */
  readonly text: string;
}

async function rpcFailure(call: RpcCall, transport: Transport, requestId: string): Promise<Seen> {
  const error = await call(transport, requestId).then(
    () => undefined,
    (e: unknown) => ConnectError.from(e),
  );
  if (!error) throw new Error("the call succeeded");
  const metadata = [...error.metadata.entries()].map(([k, v]) => `${k}: ${v}`).join("\n");
  return {
    code: Code[error.code],
    message: error.rawMessage,
    text: `${error.rawMessage}\n${metadata}`,
  };
}

async function restFailure(
  baseUrl: string,
  http: "1.1" | "2",
  call: (typeof restCalls)[keyof typeof restCalls],
  requestId: string,
): Promise<Seen> {
  const answer = await rawCall(baseUrl, {
    http,
    ...call,
    headers: { ...("headers" in call ? call.headers : {}), "x-request-id": requestId },
  });
  const error = wireErrorOf("rest", answer);
  const headers = [...answer.headers.entries()].map(([k, v]) => `${k}: ${v}`).join("\n");
  return {
    code: error?.code ?? String(answer.status),
    message: error?.message ?? "",
    text: `${headers}\n${answer.body.toString("utf8")}`,
  };
}

/** Every protocol and call, as `[name, (requestId) => what the client saw]`. */
function everyCall(baseUrl: string): [string, (requestId: string) => Promise<Seen>][] {
  const all: [string, (requestId: string) => Promise<Seen>][] = [];
  for (const [protocol, transport] of Object.entries(rpcTransports)) {
    for (const [method, call] of Object.entries(rpcCalls)) {
      all.push([`${method} over ${protocol}`, (id) => rpcFailure(call, transport(baseUrl), id)]);
    }
  }
  for (const http of ["1.1", "2"] as const) {
    for (const [route, call] of Object.entries(restCalls)) {
      all.push([`REST ${route} (HTTP/${http})`, (id) => restFailure(baseUrl, http, call, id)]);
    }
  }
  return all;
}

describe("storage failures, as clients see them", () => {
  const { sut, logOf } = useLoggedService("riak");

  const scenarios = {
    "every Riak node stopped": {
      async start() {
        await Promise.all(sut().riak?.nodes.map((node) => node.stop()) ?? []);
      },
      async end() {
        await Promise.all(sut().riak?.nodes.map((node) => node.start()) ?? []);
      },
    },
    "every Riak node answering an Erlang error with a file path": {
      async start() {
        for (const node of sut().riak?.nodes ?? []) {
          node.failNextRequests(
            10_000,
            '{error,{badarg,[{riak_kv_get_fsm,execute,2,[{file,"/usr/lib/riak/lib/riak_kv-3.2.2/src/riak_kv_get_fsm.erl"},{line,198}]}]}}',
          );
        }
      },
      async end() {
        for (const node of sut().riak?.nodes ?? []) node.failNextRequests(0, "");
      },
    },
  };

  for (const [scenario, { start, end }] of Object.entries(scenarios)) {
    describe(scenario, () => {
      beforeAll(start);
      afterAll(end);

      it("answers UNAVAILABLE with a fixed message and the request id over every protocol, the detail only in the log", async () => {
        const problems: string[] = [];
        for (const [index, [name, call]] of everyCall(sut().baseUrl).entries()) {
          const requestId = `${scenario.length}-${index}`;
          const seen = await call(requestId);
          const rest = name.startsWith("REST");
          const expected = {
            code: rest ? "503" : "Unavailable",
            message: `storage is unavailable; retry later (request id ${requestId})`,
          };
          if (seen.code !== expected.code || seen.message !== expected.message) {
            problems.push(`${name}: ${seen.code} ${JSON.stringify(seen.message)}`);
          }
          const leak = leaked(seen.text);
          if (leak.length > 0) problems.push(`${name}: ${leak.join(", ")} in ${seen.text}`);
          const logged = logOf(requestId);
          const detail = JSON.stringify(logged);
          if (!/127\.0\.0\.1:\d+/.test(detail) && !detail.includes("badarg")) {
            problems.push(`${name}: the log line does not say what failed: ${detail}`);
          }
        }
        expect(problems).toEqual([]);
      });
    });
  }
});

describe("an unexpected internal error, as clients see it", () => {
  const secret =
    "ENOENT: no such file or directory, open '/var/lib/notification/ann.db' (10.1.2.3:8087)";
  let server: HttpServer;
  let lines: LogLine[];
  beforeAll(async () => {
    const capture = captureLogs();
    lines = capture.lines;
    const observer = createCallObserver({
      logger: capture.logger,
      metrics: createMetrics(),
      maxStreams: 10,
    });
    const fail = () => {
      throw new Error(secret);
    };
    const settings = testHttpServerOptions();
    server = await startHttpServer({
      ...settings,
      routes: (router) => {
        router.service(NotificationService, {
          createNotification: fail,
          listNotifications: fail,
        });
        // The REST overrides name methods of every service.
        router.service(RuleService, {});
        router.service(PreferenceService, {});
        router.service(TopicService, {});
        router.service(StreamService, {
          // biome-ignore lint/correctness/useYield: it fails before its first event
          async *subscribe() {
            fail();
          },
        });
      },
      fallback: (router) =>
        createRestTranscoder(router.handlers, {
          readMaxBytes: settings.readMaxBytes,
          onRefused: observer.refused,
        }),
      port: 0,
      requestGate: observer.requestGate,
      interceptors: [observer.interceptor, errorMapping],
      onRefused: observer.refused,
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers INTERNAL "internal error" over every protocol; the log line has the error', async () => {
    const problems: string[] = [];
    for (const [index, [name, call]] of everyCall(`http://127.0.0.1:${server.port}`).entries()) {
      const requestId = `internal-${index}`;
      const seen = await call(requestId);
      const expected = {
        code: name.startsWith("REST") ? "500" : "Internal",
        message: "internal error",
      };
      if (seen.code !== expected.code || seen.message !== expected.message) {
        problems.push(`${name}: ${seen.code} ${JSON.stringify(seen.message)}`);
      }
      const leak = leaked(seen.text);
      if (leak.length > 0) problems.push(`${name}: ${leak.join(", ")} in ${seen.text}`);
      const logged = lines.filter((line) => line.requestId === requestId);
      if (!JSON.stringify(logged).includes("/var/lib/notification/ann.db")) {
        problems.push(`${name}: the log line lacks the error: ${JSON.stringify(logged)}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
