import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { describe, expect, it, vi } from "vitest";
import {
  Health,
  HealthCheckResponse_ServingStatus as Status,
} from "../../src/gen/grpc/health/v1/health_pb.js";
import { RuleService } from "../../src/gen/notification/v1/rule_pb.js";
import { registerHealth } from "../../src/grpc/health/health-service.js";
import { Readiness } from "../../src/observability/readiness.js";
import { StoreProbe } from "../../src/observability/store-probe.js";
import { testStoreProbeOptions } from "../support/module-options.js";

/** A store whose pings succeed or fail as the test says, and never settle when `hang` is set. */
class FakeStore {
  failure: Error | undefined;
  hang = false;
  pings = 0;
  async ping(): Promise<void> {
    this.pings++;
    if (this.hang) await new Promise(() => {});
    if (this.failure) throw this.failure;
  }
}

function setUp() {
  const store = new FakeStore();
  const probe = new StoreProbe(store, testStoreProbeOptions({ timeoutMs: 200 }));
  const readiness = new Readiness(probe);
  const transport = createRouterTransport((router) => {
    router.service(RuleService, {});
    registerHealth(router, readiness);
  });
  return { store, probe, readiness, client: createClient(Health, transport) };
}

describe("grpc.health.v1.Health Check", () => {
  it("is SERVING for the server and for each registered service", async () => {
    const { client } = setUp();
    for (const service of ["", "notification.v1.RuleService", "grpc.health.v1.Health"]) {
      expect((await client.check({ service })).status).toBe(Status.SERVING);
    }
  });

  it("pings storage on demand: NOT_SERVING while it is unreachable, SERVING again after", async () => {
    const { client, store } = setUp();
    store.failure = new Error("connection refused");
    expect((await client.check({})).status).toBe(Status.NOT_SERVING);
    store.failure = undefined;
    expect((await client.check({})).status).toBe(Status.SERVING);
  });

  it("is NOT_SERVING while draining", async () => {
    const { client, readiness } = setUp();
    readiness.drain();
    expect((await client.check({})).status).toBe(Status.NOT_SERVING);
    expect(readiness.reason).toBe("the server is shutting down");
  });

  it("answers NOT_FOUND for an unknown service", async () => {
    const { client } = setUp();
    const error = await client.check({ service: "no.such.Service" }).catch((e) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.NotFound);
    expect((error as ConnectError).rawMessage).toBe('unknown service "no.such.Service"');
  });
});

describe("grpc.health.v1.Health Watch", () => {
  it("sends the status at once, then every change", async () => {
    const { client, store, probe, readiness } = setUp();
    const abort = new AbortController();
    const seen: Status[] = [];
    const stream = client.watch({}, { signal: abort.signal })[Symbol.asyncIterator]();
    const next = async () => {
      const { value } = await stream.next();
      seen.push(value?.status);
    };
    await next();
    store.failure = new Error("down");
    await probe.check();
    await next();
    store.failure = undefined;
    await probe.check();
    await next();
    readiness.drain();
    await next();
    abort.abort();
    expect(seen).toEqual([Status.SERVING, Status.NOT_SERVING, Status.SERVING, Status.NOT_SERVING]);
  });

  it("serves many watchers at once without a listener-leak warning, and each sees the change", async () => {
    const { client, store, probe } = setUp();
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    const abort = new AbortController();
    try {
      const streams = Array.from({ length: 25 }, () =>
        client.watch({}, { signal: abort.signal })[Symbol.asyncIterator](),
      );
      const first = await Promise.all(streams.map((s) => s.next()));
      expect(first.every((r) => r.value?.status === Status.SERVING)).toBe(true);
      store.failure = new Error("down");
      await probe.check();
      const second = await Promise.all(streams.map((s) => s.next()));
      expect(second.every((r) => r.value?.status === Status.NOT_SERVING)).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).not.toContain("MaxListenersExceededWarning");
    } finally {
      abort.abort();
      process.off("warning", onWarning);
    }
  });

  it("sends SERVICE_UNKNOWN for an unknown service and stays open", async () => {
    const { client } = setUp();
    const abort = new AbortController();
    const stream = client.watch({ service: "no.such.Service" }, { signal: abort.signal });
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value?.status).toBe(Status.SERVICE_UNKNOWN);
    const ended = iterator.next();
    abort.abort();
    await expect(ended).rejects.toMatchObject({ code: Code.Canceled });
  });
});

describe("StoreProbe", () => {
  it("counts a ping that does not answer in time as unreachable", async () => {
    const store = new FakeStore();
    store.hang = true;
    const probe = new StoreProbe(store, testStoreProbeOptions({ timeoutMs: 50 }));
    expect(await probe.check()).toBe(false);
    expect(probe.error).toBe("no answer within 50 ms");
  });

  it("pings once when started, not only after the first interval", async () => {
    const store = new FakeStore();
    store.failure = new Error("no vnodes yet");
    const probe = new StoreProbe(store, testStoreProbeOptions({ intervalMs: 60_000 }));
    probe.start();
    try {
      await vi.waitFor(() => expect(probe.reachable).toBe(false));
      expect(probe.error).toBe("no vnodes yet");
      expect(store.pings).toBe(1);
    } finally {
      probe.stop();
    }
  });

  it("shares one ping among callers that ask at the same time", async () => {
    const store = new FakeStore();
    const probe = new StoreProbe(store, testStoreProbeOptions());
    await Promise.all([probe.check(), probe.check(), probe.check()]);
    expect(store.pings).toBe(1);
  });

  it("tells listeners when reachability changes, not on every ping", async () => {
    const store = new FakeStore();
    const probe = new StoreProbe(store, testStoreProbeOptions());
    const changes: boolean[] = [];
    probe.onChange((reachable) => changes.push(reachable));
    await probe.check();
    store.failure = new Error("down");
    await probe.check();
    await probe.check();
    store.failure = undefined;
    await probe.check();
    expect(changes).toEqual([false, true]);
  });
});
