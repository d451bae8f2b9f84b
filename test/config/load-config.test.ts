import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../src/config/config.js";
import { ConfigError, parseConfig } from "../../src/config/load-config.js";
import { substituteEnv } from "../../src/config/substitute-env.js";

const shipped = readFileSync("config.yml", "utf8");

describe("config.yml", () => {
  it("substitutes $VAR references with defaults: the variable when set and not empty, else the default", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: config.yml's own syntax, not a template
    const text = "a ${X:-1} b ${Y:-2} c ${Z}";
    expect(substituteEnv(text, { X: "9", Y: "" })).toBe("a 9 b 2 c ");
  });

  it("the shipped file with no variables gives the defaults", () => {
    expect(parseConfig(shipped, {})).toEqual(defaultConfig);
  });

  it("the contract's variables set their keys", () => {
    const config = parseConfig(shipped, {
      PORT: "9090",
      ADMIN_PORT: "9091",
      DATA_DIR: "/var/lib/n",
      RIAK_NODES: "h1:8087,h2:8087",
      RIAK_BUCKET_TYPE: "inbox",
      REDIS_URL: "redis://r:6379",
    });
    expect(config.server.port).toBe(9090);
    expect(config.server.adminPort).toBe(9091);
    expect(config.storage.dataDir).toBe("/var/lib/n");
    expect(config.riak.nodes).toBe("h1:8087,h2:8087");
    expect(config.riak.bucketType).toBe("inbox");
    expect(config.redis.url).toBe("redis://r:6379");
  });

  it("lists every problem, one line each", () => {
    try {
      parseConfig(
        "server:\n  port: 99999\n  prot: 1\nriak:\n  r: many\nlog:\n  level: loud\nextra: 1\n",
        {},
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems).toHaveLength(5);
      expect(problems.join("\n")).toMatch(/server\.port must be a port number/);
      expect(problems.join("\n")).toMatch(/unknown key server\.prot/);
      expect(problems.join("\n")).toMatch(/riak\.r must be a replica count/);
      expect(problems.join("\n")).toMatch(/log\.level must be one of/);
      expect(problems.join("\n")).toMatch(/unknown section "extra"/);
    }
  });

  it("rejects YAML that does not parse, and a top level that is not a mapping", () => {
    expect(() => parseConfig("server: [", {})).toThrow(/not valid YAML/);
    expect(() => parseConfig("- 1\n- 2\n", {})).toThrow(/must be a mapping/);
  });

  it("a bad config stops start-up with one line per problem and a non-zero exit", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env: { ...process.env, PORT: "70000", LOG_LEVEL: "chatty" },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(result.status).toBe(2);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(/^config error: .*server\.port must be a port number/),
      expect.stringMatching(/^config error: .*log\.level must be one of/),
    ]);
  });
});
