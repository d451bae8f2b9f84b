import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseConfig } from "../../src/config/load-config.js";

describe("operability keys of config.yml", () => {
  it("reads the limits and the storage probe settings from the shipped config.yml", async () => {
    const config = await loadConfig("config.yml", {});
    expect(config.server).toMatchObject({
      adminPort: 8081,
      requestMaxBytes: 65_536,
      maxDeadlineMs: 60_000,
      drainMs: 5000,
      maxStreamsPerConnection: 100,
      maxStreams: 10_000,
    });
    expect(config.storage).toMatchObject({ pingIntervalMs: 5000, pingTimeoutMs: 1000 });
    expect(config.log.level).toBe("info");
  });

  it("takes ADMIN_PORT and LOG_LEVEL from the environment", async () => {
    const config = await loadConfig("config.yml", { ADMIN_PORT: "9091", LOG_LEVEL: "warn" });
    expect(config.server.adminPort).toBe(9091);
    expect(config.log.level).toBe("warn");
  });

  it("refuses a limit that is not a positive integer, naming the key", () => {
    const text =
      "server:\n  max_streams: 0\n  max_streams_per_connection: lots\nstorage:\n  ping_timeout_ms: -1\n";
    let error: unknown;
    try {
      parseConfig(text, {}, "test.yml");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      "test.yml: server.max_streams must be a positive integer (got 0)",
      'test.yml: server.max_streams_per_connection must be a positive integer (got "lots")',
      "test.yml: storage.ping_timeout_ms must be a positive integer (got -1)",
    ]);
  });
});
