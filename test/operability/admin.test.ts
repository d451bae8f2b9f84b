import { readFile } from "node:fs/promises";
import { Code, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Health } from "../../src/gen/grpc/health/v1/health_pb.js";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import {
  type ServiceUnderTest,
  startServiceUnderTest,
  storeKinds,
} from "../support/service-under-test.js";
import { sample, scrape } from "./metrics-text.js";

describe.each(storeKinds)("the admin port (%s store)", (kind) => {
  let sut: ServiceUnderTest;
  beforeAll(async () => {
    sut = await startServiceUnderTest(kind);
  });
  afterAll(async () => {
    await sut.close();
  });

  const get = (path: string, init?: RequestInit) => fetch(`${sut.adminUrl}${path}`, init);

  it("answers /healthz, /readyz and /ping", async () => {
    for (const [path, body] of [
      ["/healthz", "ok\n"],
      ["/readyz", "ready\n"],
      ["/ping", "pong\n"],
    ]) {
      const response = await get(path as string);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(body);
    }
  });

  it("answers /version with the package's name and version", async () => {
    const pkg = JSON.parse(await readFile("package.json", "utf8")) as { version: string };
    const response = await get("/version");
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({ name: "notification-service", version: pkg.version });
  });

  it("answers 404 to unknown paths and 405 to other methods", async () => {
    expect((await get("/nope")).status).toBe(404);
    const post = await get("/ping", { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("counts and times calls by method, protocol and code", async () => {
    const method = "notification.v1.NotificationService/CreateNotification";
    const client = createClient(
      NotificationService,
      createConnectTransport({ baseUrl: sut.baseUrl, httpVersion: "1.1" }),
    );
    const before = await scrape(sut.adminUrl);
    const ok = sample(before, "notification_rpc_requests_total", { method, code: "ok" }) ?? 0;
    await client.createNotification({ username: "metered", category: "like", message: "a" });
    await client.createNotification({ username: "metered", category: "like", message: "b" });
    await expect(
      client.createNotification({ username: "metered", category: "x", message: "c" }),
    ).rejects.toMatchObject({ code: Code.InvalidArgument });
    const text = await scrape(sut.adminUrl);
    const labels = { method, protocol: "connect" };
    expect(sample(text, "notification_rpc_requests_total", { ...labels, code: "ok" })).toBe(ok + 2);
    expect(
      sample(text, "notification_rpc_requests_total", { ...labels, code: "invalid_argument" }),
    ).toBe(1);
    expect(sample(text, "notification_rpc_duration_seconds_count", { ...labels, code: "ok" })).toBe(
      ok + 2,
    );
  });

  it("counts and times storage operations", async () => {
    const text = await scrape(sut.adminUrl);
    const put = { operation: "put", bucket: "notifications", outcome: "ok" };
    expect(sample(text, "notification_storage_operations_total", put)).toBeGreaterThan(0);
    expect(sample(text, "notification_storage_duration_seconds_count", put)).toBeGreaterThan(0);
    expect(sample(text, "notification_storage_reachable")).toBe(1);
  });

  it("records how many siblings each read finds", async () => {
    const { store } = sut.service;
    const client = createClient(NotificationService, createGrpcTransport({ baseUrl: sut.baseUrl }));
    await client.createNotification({ username: "twins", category: "like", message: "a" });
    // Two writes from the same stale context leave two siblings.
    const { values, context } = await store.get("notifications", "twins");
    const value = values[0] ?? new Uint8Array();
    await store.put("notifications", "twins", value, context);
    await store.put("notifications", "twins", value, context);
    const count = (text: string) => {
      const all = sample(text, "notification_storage_read_siblings_count", {
        bucket: "notifications",
      });
      const single = sample(text, "notification_storage_read_siblings_bucket", {
        bucket: "notifications",
        le: "1",
      });
      return (all ?? 0) - (single ?? 0);
    };
    const before = count(await scrape(sut.adminUrl));
    await client.listNotifications({ username: "twins" });
    expect(count(await scrape(sut.adminUrl))).toBeGreaterThan(before);
  });

  it("shows the streams open now", async () => {
    const labels = { method: "grpc.health.v1.Health/Watch", protocol: "grpc" };
    const abort = new AbortController();
    const watch = createClient(Health, createGrpcTransport({ baseUrl: sut.baseUrl })).watch(
      {},
      { signal: abort.signal },
    );
    await watch[Symbol.asyncIterator]().next();
    expect(sample(await scrape(sut.adminUrl), "notification_rpc_open_streams", labels)).toBe(1);
    abort.abort();
    await vi.waitFor(async () =>
      expect(sample(await scrape(sut.adminUrl), "notification_rpc_open_streams", labels)).toBe(0),
    );
  });
});

describe("the admin port over Riak", () => {
  let sut: ServiceUnderTest;
  beforeAll(async () => {
    sut = await startServiceUnderTest(
      "riak",
      {},
      { riak: { cluster: { breakerResetTimeoutMs: 100, breakerVolumeThreshold: 3 } } },
    );
  });
  afterAll(async () => {
    await sut.close();
  });

  const riak = () => {
    if (!sut.riak) throw new Error("no Riak cluster");
    return sut.riak;
  };

  it("shows each node's requests, errors, breaker state and connections", async () => {
    const client = createClient(NotificationService, createGrpcTransport({ baseUrl: sut.baseUrl }));
    for (let i = 0; i < 3; i++) {
      await client.createNotification({ username: "spread", category: "like", message: `${i}` });
    }
    const text = await scrape(sut.adminUrl);
    for (const { address } of riak().nodes) {
      expect(
        sample(text, "notification_riak_node_requests_total", { node: address }),
      ).toBeGreaterThan(0);
      expect(sample(text, "notification_riak_node_errors_total", { node: address })).toBe(0);
      expect(
        sample(text, "notification_riak_node_breaker_state", { node: address, state: "closed" }),
      ).toBe(1);
      expect(
        sample(text, "notification_riak_node_breaker_state", { node: address, state: "open" }),
      ).toBe(0);
      expect(
        sample(text, "notification_riak_node_connections", { node: address, state: "open" }),
      ).toBeGreaterThan(0);
      expect(sample(text, "notification_riak_node_waiting_calls", { node: address })).toBe(0);
    }
  });

  it("counts errors against a stopped node", async () => {
    const [down] = riak().nodes;
    if (!down) throw new Error("no node");
    await down.stop();
    try {
      const client = createClient(
        NotificationService,
        createGrpcTransport({ baseUrl: sut.baseUrl }),
      );
      for (let i = 0; i < 6; i++) {
        await client.createNotification({
          username: "one-down",
          category: "like",
          message: `${i}`,
        });
      }
      const text = await scrape(sut.adminUrl);
      expect(
        sample(text, "notification_riak_node_errors_total", { node: down.address }),
      ).toBeGreaterThan(0);
    } finally {
      await down.start();
    }
  });

  it("is not ready, and health says NOT_SERVING, while every node is down; both recover", async () => {
    const health = createClient(Health, createGrpcTransport({ baseUrl: sut.baseUrl }));
    await Promise.all(riak().nodes.map((node) => node.stop()));
    try {
      const response = await fetch(`${sut.adminUrl}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.text()).toMatch(/^not ready: storage is unreachable \(.+\)\n$/);
      expect((await health.check({})).status).toBe(2); // NOT_SERVING
      expect(sample(await scrape(sut.adminUrl), "notification_storage_reachable")).toBe(0);
      // The process itself is fine.
      expect((await fetch(`${sut.adminUrl}/healthz`)).status).toBe(200);
    } finally {
      await Promise.all(riak().nodes.map((node) => node.start()));
    }
    await vi.waitFor(async () => expect((await fetch(`${sut.adminUrl}/readyz`)).status).toBe(200), {
      timeout: 10_000,
      interval: 100,
    });
    expect((await health.check({})).status).toBe(1); // SERVING
  });
});
