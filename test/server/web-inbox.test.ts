import { readFile } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, request } from "node:http";
import { connect } from "node:http2";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webDir } from "../../scripts/bundle-web-inbox.js";
import { loadWebInbox } from "../../src/server/web-inbox.js";
import { authConfig } from "../auth/auth-service.js";
import { testSecret } from "../auth/token-factory.js";
import { type ServiceUnderTest, startServiceUnderTest } from "../support/service-under-test.js";

/** What an HTTP/1.1 request got back: the bytes as sent (not decompressed). */
interface Raw {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

function send(
  baseUrl: string,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    // The path goes as written: a URL would resolve its dot segments first.
    const { hostname, port } = new URL(baseUrl);
    const req = request({ host: hostname, port, path, ...options }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

const built = (name: string) => readFile(join(webDir, "dist", name));

describe("the web inbox at /inbox/", () => {
  let sut: ServiceUnderTest;
  beforeAll(async () => {
    sut = await startServiceUnderTest();
  });
  afterAll(async () => {
    await sut.close();
  });

  it("serves the demo page: HTML, revalidated, under a policy that allows only this origin", async () => {
    const res = await send(sut.baseUrl, "/inbox/");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("no-cache");
    expect(res.headers.etag).toMatch(/^"[\w-]{27}"$/);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
    const html = res.body.toString("utf8");
    expect(html).toContain('data-auth-mode="none"');
    expect(html).toContain('src="notification-inbox.js"');
  });

  it("serves the module as JavaScript, gzipped for clients that accept it", async () => {
    const module = await built("notification-inbox.js");
    const plain = await send(sut.baseUrl, "/inbox/notification-inbox.js");
    expect(plain.status).toBe(200);
    expect(plain.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.equals(module)).toBe(true);
    const zipped = await send(sut.baseUrl, "/inbox/notification-inbox.js", {
      headers: { "accept-encoding": "br;q=1, gzip;q=0.8" },
    });
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(zipped.headers.vary).toBe("Accept-Encoding");
    expect(Number(zipped.headers["content-length"])).toBe(zipped.body.length);
    expect(zipped.body.length).toBeLessThan(module.length / 2);
    expect(gunzipSync(zipped.body).equals(module)).toBe(true);
    const refused = await send(sut.baseUrl, "/inbox/notification-inbox.js", {
      headers: { "accept-encoding": "gzip;q=0" },
    });
    expect(refused.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers.etag).toBe(zipped.headers.etag);
  });

  it.each([
    ["/inbox/demo.js", "text/javascript; charset=utf-8", "demo.js"],
    ["/inbox/demo.css", "text/css; charset=utf-8", "demo.css"],
  ])("serves %s as %s", async (path, type, file) => {
    const res = await send(sut.baseUrl, path);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe(type);
    expect(res.body.equals(await built(file))).toBe(true);
  });

  it("answers 304 with no body when the client holds the current version", async () => {
    const first = await send(sut.baseUrl, "/inbox/notification-inbox.js");
    const etag = String(first.headers.etag);
    for (const tag of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const again = await send(sut.baseUrl, "/inbox/notification-inbox.js", {
        headers: { "if-none-match": tag },
      });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
      expect(again.headers.etag).toBe(etag);
    }
    const stale = await send(sut.baseUrl, "/inbox/notification-inbox.js", {
      headers: { "if-none-match": '"older"' },
    });
    expect(stale.status).toBe(200);
  });

  it("answers HEAD with the headers of GET and no body", async () => {
    const res = await send(sut.baseUrl, "/inbox/", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(Number(res.headers["content-length"])).toBeGreaterThan(0);
    expect(res.body.length).toBe(0);
  });

  it("redirects /inbox to /inbox/, keeping the query", async () => {
    const res = await send(sut.baseUrl, "/inbox?user=ann");
    expect(res.status).toBe(308);
    expect(res.headers.location).toBe("/inbox/?user=ann");
  });

  it.each([
    "/inbox/nope.js",
    "/inbox/index.html",
    "/inbox/../v1/rules",
    "/inbox/%2e%2e/v1/rules",
    "/inbox/notification-inbox.js/x",
  ])("answers 404 for %s, naming the path, in plain text", async (path) => {
    const res = await send(sut.baseUrl, path);
    expect(res.status).toBe(404);
    expect(res.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(res.body.toString()).toMatch(/^no file at \/inbox\/\S*; the web inbox serves \/inbox\//);
  });

  it.each(["POST", "PUT", "DELETE"])("answers %s with 405 and Allow: GET, HEAD", async (method) => {
    const res = await send(sut.baseUrl, "/inbox/", { method });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("GET, HEAD");
    expect(res.body.toString()).toBe(`${method} is not allowed here; use GET or HEAD\n`);
  });

  it("serves over h2c too, beside the API", async () => {
    const session = connect(sut.baseUrl);
    try {
      const answer = await new Promise<{ status: number; type: string; body: string }>(
        (resolve, reject) => {
          const stream = session.request({ ":path": "/inbox/" });
          let status = 0;
          let type = "";
          let body = "";
          stream.on("response", (headers) => {
            status = Number(headers[":status"]);
            type = String(headers["content-type"]);
          });
          stream.setEncoding("utf8");
          stream.on("data", (chunk: string) => {
            body += chunk;
          });
          stream.on("end", () => resolve({ status, type, body }));
          stream.on("error", reject);
        },
      );
      expect(answer.status).toBe(200);
      expect(answer.type).toBe("text/html; charset=utf-8");
      expect(answer.body).toContain('src="notification-inbox.js"');
    } finally {
      session.close();
    }
  });
});

describe("the web inbox's configuration", () => {
  it("with auth.mode jwt, the page asks for a token and is served without one", async () => {
    const sut = await startServiceUnderTest("embedded", {
      auth: authConfig({ mode: "jwt", jwt: { secret: testSecret } }),
    });
    try {
      const page = await send(sut.baseUrl, "/inbox/");
      expect(page.status).toBe(200);
      expect(page.body.toString()).toContain('data-auth-mode="jwt"');
      const api = await send(sut.baseUrl, "/v1/notifications/ann");
      expect(api.status).toBe(401);
    } finally {
      await sut.close();
    }
  });

  it("gives a listed origin the module with CORS headers, varying on Origin and Accept-Encoding", async () => {
    const origin = "https://app.example";
    const sut = await startServiceUnderTest("embedded", {
      server: { cors: { allowed_origins: [origin] } },
    });
    try {
      const res = await send(sut.baseUrl, "/inbox/notification-inbox.js", {
        headers: { origin, "accept-encoding": "gzip" },
      });
      expect(res.status).toBe(200);
      expect(res.headers["access-control-allow-origin"]).toBe(origin);
      expect(res.headers.vary).toBe("Origin, Accept-Encoding");
      const other = await send(sut.baseUrl, "/inbox/notification-inbox.js", {
        headers: { origin: "https://other.example" },
      });
      expect(other.headers["access-control-allow-origin"]).toBeUndefined();
    } finally {
      await sut.close();
    }
  });

  it("with web.enabled false, /inbox/ is an unknown REST path", async () => {
    const sut = await startServiceUnderTest("embedded", { web: { enabled: false } });
    try {
      const res = await send(sut.baseUrl, "/inbox/");
      expect(res.status).toBe(404);
      expect(JSON.parse(res.body.toString())).toEqual({
        code: 404,
        message: "no REST route matches GET /inbox/",
      });
    } finally {
      await sut.close();
    }
  });

  it("without a build, answers 503 saying how to build it, and passes other paths on", async () => {
    const web = await loadWebInbox({ dir: join(tmpdir(), "no-such-web-build"), authMode: "none" });
    expect(web.built).toBe(false);
    const server = createServer(
      web.handler((_req, res) => {
        res.statusCode = 204;
        res.end();
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const res = await send(baseUrl, "/inbox/");
      expect(res.status).toBe(503);
      expect(res.body.toString()).toBe(
        "the web inbox is not built: run npm run build, then restart\n",
      );
      expect((await send(baseUrl, "/v1/rules")).status).toBe(204);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
