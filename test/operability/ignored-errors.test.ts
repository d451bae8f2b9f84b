import { Registry } from "prom-client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createIgnoredErrorReporter } from "../../src/observability/ignored-errors.js";
import { type RedisServer, startRedisServer } from "../streams/redis-server.js";
import { StreamReader } from "../streams/stream-reader.js";
import { transports } from "../streams/transports.js";
import { captureLogs } from "../support/log-capture.js";
import { type ServiceUnderTest, startServiceUnderTest } from "../support/service-under-test.js";
import { sample, scrape } from "./metrics-text.js";

const metric = "notification_ignored_errors_total";

describe("errors that fail no call", () => {
  it("are counted by operation, from 0, and logged at debug with the error", async () => {
    const registry = new Registry();
    const { logger, lines } = captureLogs("debug");
    const report = createIgnoredErrorReporter(registry, logger);
    const count = async (operation: string) =>
      sample(await registry.metrics(), metric, { operation });
    expect(await count("read_repair")).toBe(0);
    expect(await count("delete_all_read_back")).toBe(0);
    expect(await count("redis_unsubscribe")).toBe(0);

    report("read_repair", new Error("storage down"), { bucket: "cursors" });
    report("read_repair", new Error("storage down"), { bucket: "notifications" });
    report("delete_all_read_back", new Error("timed out"));
    expect(await count("read_repair")).toBe(2);
    expect(await count("delete_all_read_back")).toBe(1);
    expect(await count("redis_unsubscribe")).toBe(0);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({
      level: 20,
      operation: "read_repair",
      bucket: "cursors",
      err: { message: "storage down" },
      msg: expect.stringMatching(/^read repair failed/),
    });
  });

  describe("a Redis UNSUBSCRIBE that times out, in a running service", () => {
    let redis: RedisServer | undefined;
    let sut: ServiceUnderTest | undefined;
    afterEach(async () => {
      redis?.thaw();
      await sut?.close();
      await redis?.kill();
    });

    it("is counted on /metrics and logged at debug", async () => {
      redis = await startRedisServer();
      const { logger, lines } = captureLogs("debug");
      sut = await startServiceUnderTest(
        "embedded",
        { redis: { url: redis.url, command_timeout_ms: 200 } },
        { logger },
      );
      const adminUrl = sut.adminUrl;
      const reader = StreamReader.open(transports["gRPC over h2c"](sut.baseUrl), {
        username: "una",
      });
      await reader.live();
      // The last stream of the user ends while Redis does not answer.
      redis.freeze();
      await reader.cancel();
      await vi.waitFor(
        async () => {
          const text = await scrape(adminUrl);
          expect(sample(text, metric, { operation: "redis_unsubscribe" })).toBe(1);
        },
        { timeout: 5000, interval: 50 },
      );
      expect(lines).toContainEqual(
        expect.objectContaining({ level: 20, operation: "redis_unsubscribe" }),
      );
    });
  });
});
