import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StreamService } from "../../src/gen/notification/v1/stream_pb.js";
import { captureLogs, type LogLine } from "../support/log-capture.js";
import type { ServiceUnderTest } from "../support/service-under-test.js";
import { authConfig, bearer, startAuthService } from "./auth-service.js";
import { signToken, testSecret } from "./token-factory.js";

const app = "https://app.example";
const evil = "https://evil.example";

/** What a browser sends before a cross-origin call with an Authorization header. */
function preflight(url: string, origin: string, method: string, headers: string) {
  return fetch(url, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": method,
      "access-control-request-headers": headers,
    },
  });
}

/** Whether a browser would let the page make the call: the preflight's answer allows it. */
function browserAllows(response: Response, origin: string, method: string, headers: string[]) {
  const allowedHeaders = (response.headers.get("access-control-allow-headers") ?? "")
    .toLowerCase()
    .split(/,\s*/);
  return (
    response.ok &&
    response.headers.get("access-control-allow-origin") === origin &&
    (response.headers.get("access-control-allow-methods") ?? "").split(/,\s*/).includes(method) &&
    headers.every((h) => allowedHeaders.includes(h))
  );
}

describe("browsers: CORS and the auth cookie", () => {
  let sut: ServiceUnderTest;
  let ann: string;
  let lines: LogLine[];
  beforeAll(async () => {
    const capture = captureLogs("debug");
    lines = capture.lines;
    sut = await startAuthService(
      authConfig({ mode: "jwt", cookie: "inbox_token", jwt: { secret: testSecret } }),
      [app],
      { logger: capture.logger },
    );
    ann = await signToken({ claims: { sub: "ann" } });
  });
  afterAll(async () => {
    await sut.close();
  });

  const rpc = () => `${sut.baseUrl}/notification.v1.StreamService/Subscribe`;
  const connectHeaders = ["authorization", "content-type", "connect-protocol-version"];

  it("answers a listed origin's preflight on an RPC path and refuses another's", async () => {
    const allowed = await preflight(rpc(), app, "POST", connectHeaders.join(", "));
    expect(allowed.status).toBe(204);
    expect(browserAllows(allowed, app, "POST", connectHeaders)).toBe(true);
    expect(allowed.headers.get("access-control-allow-credentials")).toBe("true");
    const refused = await preflight(rpc(), evil, "POST", connectHeaders.join(", "));
    expect(refused.status).toBe(403);
    expect(browserAllows(refused, evil, "POST", connectHeaders)).toBe(false);
  });

  it("answers preflights on REST paths, gRPC-Web's headers included", async () => {
    const rest = `${sut.baseUrl}/v1/notifications/ann`;
    const allowed = await preflight(rest, app, "DELETE", "authorization");
    expect(browserAllows(allowed, app, "DELETE", ["authorization"])).toBe(true);
    const grpcWebHeaders = ["content-type", "x-grpc-web", "x-user-agent", "grpc-timeout"];
    const web = await preflight(rpc(), app, "POST", grpcWebHeaders.join(", "));
    expect(browserAllows(web, app, "POST", grpcWebHeaders)).toBe(true);
    const refused = await preflight(rest, evil, "DELETE", "authorization");
    expect(refused.status).toBe(403);
  });

  it("streams to a listed origin over Connect with its CORS headers; another origin gets none", async () => {
    const transport = createConnectTransport({ baseUrl: sut.baseUrl, httpVersion: "1.1" });
    const streams = createClient(StreamService, transport);
    const subscribeFrom = async (origin: string) => {
      let header: Headers | undefined;
      const controller = new AbortController();
      const events: string[] = [];
      for await (const { event } of streams.subscribe(
        { username: "ann" },
        {
          headers: { origin, ...bearer(ann) },
          signal: controller.signal,
          onHeader: (h) => {
            header = h;
          },
        },
      )) {
        events.push(event.case ?? "");
        break;
      }
      return { header, events };
    };
    const listed = await subscribeFrom(app);
    expect(listed.events).toEqual(["state"]);
    expect(listed.header?.get("access-control-allow-origin")).toBe(app);
    expect(listed.header?.get("access-control-allow-credentials")).toBe("true");
    expect(listed.header?.get("access-control-expose-headers")).toMatch(
      /Grpc-Status, Grpc-Message/,
    );
    expect(listed.header?.get("access-control-expose-headers")).toMatch(/X-Request-Id/);
    // The server answers (CORS is the browser's to enforce), but without the
    // headers the browser needs to hand the answer to the page.
    const other = await subscribeFrom(evil);
    expect(other.header?.get("access-control-allow-origin")).toBeNull();
    expect(other.header?.get("access-control-expose-headers")).toBeNull();
  });

  it("lets a listed origin read a REST error (401) and the headers it needs", async () => {
    const response = await fetch(`${sut.baseUrl}/v1/notifications/ann`, {
      headers: { origin: app },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("access-control-allow-origin")).toBe(app);
    expect(await response.json()).toEqual({
      code: 401,
      message: "no token: send Authorization: Bearer <token> or the inbox_token cookie",
    });
  });

  it("takes the token from the cookie on same-origin and listed-origin requests", async () => {
    const cookie = `theme=dark; inbox_token=${ann}`;
    const same = await fetch(`${sut.baseUrl}/v1/notifications/ann`, { headers: { cookie } });
    expect(same.status).toBe(200);
    const listed = await fetch(`${sut.baseUrl}/v1/notifications/ann`, {
      headers: { cookie, origin: app },
    });
    expect(listed.status).toBe(200);
    const sameOriginStreams = createClient(
      StreamService,
      createConnectTransport({ baseUrl: sut.baseUrl, httpVersion: "1.1" }),
    );
    for await (const { event } of sameOriginStreams.subscribe(
      { username: "ann" },
      { headers: { cookie } },
    )) {
      expect(event.case).toBe("state");
      break;
    }
  });

  it("refuses the cookie from another site, as a forged cross-site request would send it", async () => {
    for (const headers of [{ origin: evil }, { "sec-fetch-site": "cross-site" }]) {
      const response = await fetch(`${sut.baseUrl}/v1/notifications/ann`, {
        method: "DELETE",
        headers: { cookie: `inbox_token=${ann}`, ...headers },
      });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { message: string }).message).toMatch(
        /inbox_token cookie is not accepted from another site/,
      );
    }
    const streams = createClient(
      StreamService,
      createConnectTransport({ baseUrl: sut.baseUrl, httpVersion: "1.1" }),
    );
    const error = await (async () => {
      for await (const _ of streams.subscribe(
        { username: "ann" },
        { headers: { cookie: `inbox_token=${ann}`, origin: evil } },
      ))
        break;
    })().then(
      () => undefined,
      (e: unknown) => ConnectError.from(e),
    );
    expect(error?.code).toBe(Code.Unauthenticated);
  });

  it("logs no token that came in a cookie or a header", () => {
    const text = JSON.stringify(lines);
    expect(lines.length).toBeGreaterThan(5);
    expect(text).not.toContain(ann.split(".")[2]);
    expect(text).not.toContain(ann.split(".")[1]);
  });
});
