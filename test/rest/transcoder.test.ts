import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Message } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  createConnectRouter,
  type HandlerContext,
  type Interceptor,
} from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRestTranscoder } from "../../src/rest/transcoder.js";
import { ProbeService } from "./probe-service.js";

// The transcoder on its own, over a test service whose annotations use every
// feature of google.api.http: each method echoes its request, so a test sees
// exactly which fields the HTTP request set.

interface Seen {
  method: string;
  requestId: string | null;
}

const seen: Seen[] = [];
const recordCalls: Interceptor = (next) => async (req) => {
  const res = await next(req);
  res.header.set("x-intercepted", req.method.name);
  return res;
};

function echo(name: string) {
  return (req: Message, ctx: HandlerContext) => {
    seen.push({ method: name, requestId: ctx.requestHeader.get("x-request-id") });
    const text = (req as { text?: string }).text;
    if (text === "missing") throw new ConnectError("no probe named missing", Code.NotFound);
    if (text === "boom") throw new Error("a bug that must not leak");
    if (text === "slow") {
      return new Promise<Message>((_, reject) =>
        ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)),
      );
    }
    return name === "Me" ? { text: "it is me" } : req;
  };
}

let server: Server;
let base: string;

beforeAll(async () => {
  const router = createConnectRouter({ interceptors: [recordCalls], maxTimeoutMs: 60_000 });
  router.service(ProbeService, {
    echo: echo("Echo"),
    me: echo("Me"),
    files: echo("Files"),
    nested: echo("Nested"),
    cancel: echo("Cancel"),
    search: echo("Search"),
  } as never);
  const transcoder = createRestTranscoder(router.handlers, { readMaxBytes: 1024, overrides: {} });
  server = createServer(transcoder);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function call(method: string, path: string, init: RequestInit = {}) {
  const response = await fetch(base + path, { method, ...init });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text && JSON.parse(text) };
}

const jsonBody = (value: unknown): RequestInit => ({
  headers: { "content-type": "application/json" },
  body: JSON.stringify(value),
});

describe("routing from the annotations", () => {
  it("binds a path variable and converts query parameters by type", async () => {
    const res = await call("GET", "/v1/probes/hello?flag=true&color=2&tags=a&tags=b&pageSize=3");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      text: "hello",
      flag: true,
      color: "GREEN",
      tags: ["a", "b"],
      page_size: 3,
    });
    expect(seen.at(-1)?.method).toBe("Echo");
  });

  it("prefers a literal segment over a variable", async () => {
    expect((await call("GET", "/v1/probes/me")).body).toEqual({ text: "it is me" });
    expect(seen.at(-1)?.method).toBe("Me");
  });

  it("serves additional_bindings: body * and body field with response_body", async () => {
    const whole = await call("POST", "/v1/probes:echo", jsonBody({ text: "x", small: 3 }));
    expect(whole.body).toEqual({ text: "x", small: 3 });
    const inner = await call("PUT", "/v1/probes/abc/inner", jsonBody({ name: "n", count: 2 }));
    expect(inner.status).toBe(200);
    expect(inner.body).toEqual({ name: "n", count: 2 });
  });

  it("binds {x=**} to the rest of the path and dotted variables into messages", async () => {
    expect((await call("GET", "/v1/files/a/b%2Fc/d%20e")).body).toEqual({ text: "a/b%2Fc/d e" });
    expect((await call("GET", "/v1/inner/x/5")).body).toEqual({ inner: { name: "x" }, small: 5 });
  });

  it("matches a custom verb and a custom HTTP method", async () => {
    expect((await call("POST", "/v1/probes/abc:cancel")).body).toEqual({ text: "abc" });
    expect(seen.at(-1)?.method).toBe("Cancel");
    const search = await call("SEARCH", "/v1/probes?tags=a&tags=b");
    expect(search.body).toEqual(["a", "b"]);
  });

  it("answers [] for an empty repeated response_body and 3 fraction digits for timestamps", async () => {
    expect((await call("SEARCH", "/v1/probes")).body).toEqual([]);
    const res = await call("GET", "/v1/probes/t?at=2015-07-26T16:06:10Z");
    expect(res.body).toEqual({ text: "t", at: "2015-07-26T16:06:10.000Z" });
  });

  it("answers 404 for an unknown path and 405 with Allow for a known one", async () => {
    const missing = await call("GET", "/v2/probes/x");
    expect(missing).toMatchObject({
      status: 404,
      body: { code: 404, message: "no REST route matches GET /v2/probes/x" },
    });
    const wrong = await call("DELETE", "/v1/probes/x");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET");
    expect(wrong.body.code).toBe(405);
    // Without a verb, a template takes the whole last segment, so both routes match.
    expect((await call("DELETE", "/v1/probes/x:cancel")).headers.get("allow")).toBe("GET, POST");
  });
});

describe("refusals", () => {
  it.each([
    ["GET", "/v1/probes/x?flag=maybe", {}, 400, 'query parameter "flag" must be true or false'],
    ["GET", "/v1/probes/x?text=y", {}, 400, "sets text, which the request already sets"],
    ["GET", "/v1/probes/x?labels=y", {}, 400, "names a map, which a query cannot set"],
    ["GET", "/v1/inner/x/abc", {}, 400, "path variable small must be an integer"],
    ["GET", "/v1/probes/%E0%A4%A", {}, 400, "is not valid percent-encoded UTF-8"],
    ["POST", "/v1/probes:echo?flag=true", jsonBody({}), 400, 'query parameter "flag" is not'],
    ["POST", "/v1/probes:echo", jsonBody([1]), 400, "must be a JSON object (got an array)"],
    ["POST", "/v1/probes:echo", jsonBody("x"), 400, "must be a JSON object (got a string)"],
    ["POST", "/v1/probes:echo", jsonBody({ nope: 1 }), 400, 'key "nope" is unknown'],
    ["PUT", "/v1/probes/x/inner", jsonBody(null), 400, "must be a JSON object (got null)"],
    ["POST", "/v1/probes:echo", { body: "{}" }, 415, "Content-Type must be application/json"],
    ["POST", "/v1/probes:echo", jsonBody({ text: "x".repeat(2000) }), 413, "larger than 1024"],
  ])("%s %s answers %s", async (method, path, init, status, message) => {
    const before = seen.length;
    const res = await call(method, path, init);
    expect(res.status).toBe(status);
    expect(res.body.code).toBe(status);
    expect(res.body.message).toContain(message);
    expect(seen.length).toBe(before);
  });
});

describe("one code path with RPCs", () => {
  it("runs the router's interceptors and passes their headers on", async () => {
    const res = await call("GET", "/v1/probes/x");
    expect(res.headers.get("x-intercepted")).toBe("Echo");
  });

  it("maps handler errors by the standard table, without leaking internals", async () => {
    expect(await call("GET", "/v1/probes/missing")).toMatchObject({
      status: 404,
      body: { code: 404, message: "no probe named missing" },
    });
    expect(await call("GET", "/v1/probes/boom")).toMatchObject({
      status: 500,
      body: { code: 500, message: "internal error" },
    });
  });

  it("honours a deadline sent with Connect-Timeout-Ms", async () => {
    const res = await call("GET", "/v1/probes/slow", { headers: { "connect-timeout-ms": "20" } });
    expect(res.status).toBe(504);
    expect(res.body.code).toBe(504);
  });

  it("echoes X-Request-Id and hands it to the handler; makes one up otherwise", async () => {
    const given = await call("GET", "/v1/probes/x", { headers: { "x-request-id": "req-42" } });
    expect(given.headers.get("x-request-id")).toBe("req-42");
    expect(seen.at(-1)?.requestId).toBe("req-42");
    const made = await call("GET", "/v1/probes/x");
    const id = made.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen.at(-1)?.requestId).toBe(id);
    expect((await call("GET", "/nowhere")).headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("start-up checks", () => {
  it("refuses an override row that names no routed method", () => {
    const router = createConnectRouter();
    router.service(ProbeService, {});
    expect(() =>
      createRestTranscoder(router.handlers, {
        readMaxBytes: 1024,
        overrides: { "test.rest.v1.ProbeService/Nope": { status: 204 } },
      }),
    ).toThrow("REST override test.rest.v1.ProbeService/Nope names no method with a REST route");
  });

  it.each([
    [{ list: "text", flag: "flag" }, "omittedListMeansAll.list text is no repeated field"],
    [{ list: "tags", flag: "text" }, "omittedListMeansAll.flag text is no bool field"],
    [{ list: "tags", flag: "nope" }, "omittedListMeansAll.flag nope is no bool field"],
  ])("refuses omittedListMeansAll %o: %s", (omittedListMeansAll, message) => {
    const router = createConnectRouter();
    router.service(ProbeService, {});
    expect(() =>
      createRestTranscoder(router.handlers, {
        readMaxBytes: 1024,
        overrides: { "test.rest.v1.ProbeService/Search": { omittedListMeansAll } },
      }),
    ).toThrow(`REST override test.rest.v1.ProbeService/Search: ${message}`);
  });
});
