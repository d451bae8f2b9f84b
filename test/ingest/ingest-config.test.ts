import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load-config.js";
import { redisStreamOptions } from "../../src/service.js";
import {
  configProblems as problems,
  shippedConfig as shipped,
} from "../support/config-problems.js";

describe("ingest.* keys", () => {
  it("are off by default", () => {
    expect(parseConfig(shipped, {}).ingest).toEqual({
      redis_stream: "",
      group: "notification-service",
      consumer: "",
      claim_idle_ms: 30_000,
      batch_size: 100,
      max_in_flight: 64,
      retry_max_ms: 5000,
      max_attempts: 5,
    });
  });

  it("take their variables", () => {
    const config = parseConfig(shipped, {
      REDIS_URL: "redis://127.0.0.1:6379",
      INGEST_REDIS_STREAM: "notifications",
      INGEST_GROUP: "inbox",
      INGEST_CONSUMER: "web-1",
      INGEST_CLAIM_IDLE_MS: "5000",
    });
    expect(config.ingest).toMatchObject({
      redis_stream: "notifications",
      group: "inbox",
      consumer: "web-1",
      claim_idle_ms: 5000,
    });
    expect(redisStreamOptions(config)).toEqual({
      url: "redis://127.0.0.1:6379",
      stream: "notifications",
      group: "inbox",
      consumer: "web-1",
      commandTimeoutMs: 1000,
    });
  });

  it("name the consumer after the host and the process when no name is set", () => {
    const config = parseConfig(shipped, {
      REDIS_URL: "redis://127.0.0.1:6379",
      INGEST_REDIS_STREAM: "notifications",
    });
    expect(redisStreamOptions(config).consumer).toBe(`${hostname()}-${process.pid}`);
  });

  it("refuse a stream without redis.url, naming both", () => {
    expect(problems({ INGEST_REDIS_STREAM: "notifications" })).toEqual([
      "config.yml: ingest.redis_stream (from INGEST_REDIS_STREAM) needs redis.url (REDIS_URL): the stream is read from that Redis",
    ]);
  });

  it("refuse bad values, naming the key and the variable", () => {
    expect(
      problems({
        REDIS_URL: "redis://127.0.0.1:6379",
        INGEST_REDIS_STREAM: "my stream",
        INGEST_GROUP: "",
        INGEST_CLAIM_IDLE_MS: "0",
      }),
    ).toEqual([
      'config.yml: ingest.redis_stream (from INGEST_REDIS_STREAM) must be empty or a name without spaces (got "my stream")',
      'config.yml: ingest.claim_idle_ms (from INGEST_CLAIM_IDLE_MS) must be a time in ms from 1 to 2147483647, in decimal digits (got "0")',
    ]);
  });
});
