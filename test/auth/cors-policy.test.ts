import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type CorsPolicy, createCorsPolicy } from "../../src/auth/cors-policy.js";

/** A server that applies the policy, then answers 200 "served". */
async function serve(policy: CorsPolicy): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (policy.handle(req, res)) return;
    res.setHeader("x-request-id", "r1");
    res.end("served");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const preflight = (url: string, origin: string | undefined, method = "POST") =>
  fetch(`${url}/notification.v1.NotificationService/ListNotifications`, {
    method: "OPTIONS",
    headers: {
      ...(origin && { origin }),
      "access-control-request-method": method,
      "access-control-request-headers": "authorization, content-type, connect-protocol-version",
    },
  });

describe("CORS policy", () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  it("answers a listed origin's preflight with its name, credentials and every header", async () => {
    const s = await serve(createCorsPolicy(["https://app.example"]));
    server = s.server;
    const response = await preflight(s.url, "https://app.example");
    expect(response.status).toBe(204);
    const h = response.headers;
    expect(h.get("access-control-allow-origin")).toBe("https://app.example");
    expect(h.get("access-control-allow-credentials")).toBe("true");
    expect(h.get("access-control-allow-methods")).toBe("GET, POST, PUT, PATCH, DELETE");
    const allowed = h.get("access-control-allow-headers")?.toLowerCase().split(", ") ?? [];
    for (const name of [
      "authorization",
      "content-type",
      "connect-protocol-version",
      "connect-timeout-ms",
      "x-grpc-web",
      "x-user-agent",
      "grpc-timeout",
      "x-request-id",
      "range",
      "idempotency-key",
    ]) {
      expect(allowed).toContain(name);
    }
    expect(h.get("access-control-max-age")).toBe("7200");
    expect(h.get("vary")).toMatch(/Origin/);
  });

  it("refuses another origin's preflight (403, no allow headers)", async () => {
    const s = await serve(createCorsPolicy(["https://app.example"]));
    server = s.server;
    for (const origin of ["https://evil.example", "https://app.example:8443", "null", undefined]) {
      const response = await preflight(s.url, origin);
      expect(response.status).toBe(403);
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
      expect(await response.text()).toMatch(/allowed by server.cors.allowed_origins/);
    }
  });

  it("exposes our and the protocols' headers on a listed origin's actual request", async () => {
    const s = await serve(createCorsPolicy(["https://app.example"]));
    server = s.server;
    const response = await fetch(s.url, { headers: { origin: "https://app.example" } });
    expect(await response.text()).toBe("served");
    expect(response.headers.get("access-control-allow-origin")).toBe("https://app.example");
    const exposed = response.headers.get("access-control-expose-headers")?.split(", ") ?? [];
    for (const name of [
      "Grpc-Status",
      "Grpc-Message",
      "Grpc-Status-Details-Bin",
      "X-Request-Id",
      "Next-Range",
      "Next-Page-Token",
      "Content-Range",
      "Idempotent-Replayed",
    ]) {
      expect(exposed).toContain(name);
    }
    const other = await fetch(s.url, { headers: { origin: "https://evil.example" } });
    expect(await other.text()).toBe("served");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    expect(other.headers.get("access-control-expose-headers")).toBeNull();
  });

  it('lets "*" reach any origin without credentials, and listed ones with', async () => {
    const s = await serve(createCorsPolicy(["*", "https://app.example"]));
    server = s.server;
    const any = await preflight(s.url, "https://elsewhere.example");
    expect(any.status).toBe(204);
    expect(any.headers.get("access-control-allow-origin")).toBe("*");
    expect(any.headers.get("access-control-allow-credentials")).toBeNull();
    const listed = await preflight(s.url, "https://app.example");
    expect(listed.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(listed.headers.get("access-control-allow-credentials")).toBe("true");
  });

  it("is off with no origins: an OPTIONS goes on to the server", async () => {
    const s = await serve(createCorsPolicy([]));
    server = s.server;
    const response = await preflight(s.url, "https://app.example");
    expect(await response.text()).toBe("served");
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });
});
