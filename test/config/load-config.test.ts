import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/config-error.js";
import { defaultConfig } from "../../src/config/config-schema.js";
import { loadConfig, parseConfig } from "../../src/config/load-config.js";

const shipped = readFileSync("config.yml", "utf8");

/** The problems `parseConfig` reports for `text` and `env`; none when it parses. */
function problems(text: string, env: NodeJS.ProcessEnv = {}): readonly string[] {
  try {
    parseConfig(text, env, "test.yml");
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems;
  }
}

/** The problems of the shipped config.yml under `env`. */
const shippedProblems = (env: NodeJS.ProcessEnv) =>
  problems(shipped, env).map((line) => line.replace(/^test\.yml: /, ""));

describe("config.yml", () => {
  it("the shipped file with no variables gives exactly the schema's defaults", async () => {
    expect(parseConfig(shipped, {})).toEqual(defaultConfig);
    expect(await loadConfig("config.yml", {})).toEqual(defaultConfig);
  });

  it("an empty file, an empty section and an empty value take the defaults", () => {
    expect(parseConfig("", {})).toEqual(defaultConfig);
    expect(parseConfig("server:\nstorage:\n  retention:\n", {})).toEqual(defaultConfig);
  });

  it("the documented variables set their keys", () => {
    const config = parseConfig(shipped, {
      PORT: "9090",
      ADMIN_PORT: "9091",
      HOST: "127.0.0.1",
      DATA_DIR: "/var/lib/n",
      RIAK_NODES: "h1:8087,h2",
      RIAK_BUCKET_TYPE: "inbox",
      REDIS_URL: "redis://r:6379/2",
      LOG_LEVEL: "warn",
    });
    expect(config.server).toMatchObject({ port: 9090, admin_port: 9091, host: "127.0.0.1" });
    expect(config.storage.data_dir).toBe("/var/lib/n");
    expect(config.riak.nodes).toEqual([
      { host: "h1", port: 8087 },
      { host: "h2", port: 8087 },
    ]);
    expect(config.riak.bucket_type).toBe("inbox");
    expect(config.redis.url).toBe("redis://r:6379/2");
    expect(config.log.level).toBe("warn");
  });

  it("substitutes a variable reference the shell's way: the variable when set and not empty, else the default", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: config.yml's own syntax, not a template
    const text = "storage:\n  data_dir: /a/${X:-1}/${Y:-2}/${Z}/end\n";
    expect(parseConfig(text, { X: "9", Y: "" }).storage.data_dir).toBe("/a/9/2//end");
  });
});

// Issue 12 item 8: environment values used to be pasted into the YAML text,
// where they could change meaning or add keys. They are plain text now.
describe("an environment value is plain text, checked like any value", () => {
  it.each([
    ["HOST", "::", (c: typeof defaultConfig) => c.server.host, "::"],
    ["DATA_DIR", ".inf", (c: typeof defaultConfig) => c.storage.data_dir, ".inf"],
    ["DATA_DIR", "null", (c: typeof defaultConfig) => c.storage.data_dir, "null"],
    ["DATA_DIR", "a: b", (c: typeof defaultConfig) => c.storage.data_dir, "a: b"],
    ["DATA_DIR", "[1, 2]", (c: typeof defaultConfig) => c.storage.data_dir, "[1, 2]"],
    [
      "DATA_DIR",
      "/x\nserver:\n  port: 1",
      (c: typeof defaultConfig) => [c.storage.data_dir, c.server.port],
      ["/x\nserver:\n  port: 1", 8080],
    ],
    [
      "RIAK_NODES",
      "[::1]:8087",
      (c: typeof defaultConfig) => c.riak.nodes,
      [{ host: "::1", port: 8087 }],
    ],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference that must stay as written
    ["DATA_DIR", "/d/${HOME}", (c: typeof defaultConfig) => c.storage.data_dir, "/d/${HOME}"],
  ])("%s=%j", (variable, value, read, expected) => {
    expect(read(parseConfig(shipped, { [variable]: value, HOME: "/root" }))).toEqual(expected);
  });

  it.each([
    [
      "PORT",
      "0x4697",
      'server.port (from PORT) must be a port number from 0 to 65535, in decimal digits (got "0x4697")',
    ],
    [
      "PORT",
      "1e3",
      'server.port (from PORT) must be a port number from 0 to 65535, in decimal digits (got "1e3")',
    ],
    [
      "PORT",
      "70000",
      'server.port (from PORT) must be a port number from 0 to 65535, in decimal digits (got "70000")',
    ],
    [
      "PORT",
      "-1",
      'server.port (from PORT) must be a port number from 0 to 65535, in decimal digits (got "-1")',
    ],
    [
      "PORT",
      " 80",
      'server.port (from PORT) must be a port number from 0 to 65535, in decimal digits (got " 80")',
    ],
    [
      "RIAK_NODES",
      "null",
      'riak.nodes (from RIAK_NODES) must list host:port entries (got "null"; leave it empty for the embedded store)',
    ],
    [
      "RIAK_NODES",
      "~",
      'riak.nodes (from RIAK_NODES) must list host:port entries (got "~"; leave it empty for the embedded store)',
    ],
    [
      "RIAK_NODES",
      "h1:1 #,h2:1",
      'riak.nodes (from RIAK_NODES) is not a node list: invalid Riak node "h1:1 #": the port must be a number from 1 to 65535',
    ],
    [
      "RIAK_NODES",
      "host:notaport",
      'riak.nodes (from RIAK_NODES) is not a node list: invalid Riak node "host:notaport": the port must be a number from 1 to 65535',
    ],
    [
      "RIAK_NODES",
      "a: b",
      'riak.nodes (from RIAK_NODES) is not a node list: invalid Riak node "a: b": the port must be a number from 1 to 65535',
    ],
    [
      "REDIS_URL",
      "garbage",
      "redis.url (from REDIS_URL) must be empty or a URL redis://[user:password@]host[:port][/db] (or rediss://)",
    ],
    [
      "REDIS_URL",
      "http://r:6379",
      "redis.url (from REDIS_URL) must be empty or a URL redis://[user:password@]host[:port][/db] (or rediss://)",
    ],
    [
      "HOST",
      "a b",
      'server.host (from HOST) must be an IP address (0.0.0.0, ::) or a host name (got "a b")',
    ],
    [
      "LOG_LEVEL",
      "info\nlog:\n  level: debug",
      'log.level (from LOG_LEVEL) must be one of fatal, error, warn, info, debug, trace, silent (got "info\\nlog:\\n  level: debug")',
    ],
    [
      "RIAK_BUCKET_TYPE",
      "my type",
      'riak.bucket_type (from RIAK_BUCKET_TYPE) must be a name without spaces (got "my type")',
    ],
  ])("%s=%j is an error naming the key and the variable", (variable, value, message) => {
    expect(shippedProblems({ [variable]: value })).toEqual([message]);
  });

  it("never quotes a Redis URL, which may carry a password", () => {
    const [problem] = shippedProblems({ REDIS_URL: "redis://u:secret@h:99999" });
    expect(problem).toMatch(/^redis\.url \(from REDIS_URL\) must be/);
    expect(problem).not.toContain("secret");
  });
});

describe("a bad config.yml", () => {
  it("lists every problem, one line each, naming the file and the key path", () => {
    const text = [
      "server:",
      "  port: 99999",
      "  prot: 1",
      "  max_streams: 0",
      "  max_streams_per_connection: lots",
      "storage:",
      "  ping_timeout_ms: -1",
      "riak:",
      "  r: many",
      "  nodes: h1,h1",
      "log:",
      "  level: loud",
      "extra: 1",
      "",
    ].join("\n");
    expect(problems(text)).toEqual([
      'test.yml: server.port must be a port number from 0 to 65535, in decimal digits (got "99999")',
      'test.yml: server.max_streams_per_connection must be a whole number from 1 to 9007199254740991, in decimal digits (got "lots")',
      'test.yml: server.max_streams must be a whole number from 1 to 9007199254740991, in decimal digits (got "0")',
      "test.yml: unknown key server.prot",
      'test.yml: storage.ping_timeout_ms must be a time in ms from 1 to 2147483647, in decimal digits (got "-1")',
      'test.yml: riak.nodes is not a node list: Riak node "h1" is listed twice in "h1,h1"',
      'test.yml: riak.r must be a replica count (0 to 255) or one of one, quorum, all, default (got "many")',
      'test.yml: log.level must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
      'test.yml: unknown section "extra"',
    ]);
  });

  it("reads the file's own values as text too: numbers in decimal digits only", () => {
    expect(problems("server:\n  port: 0x10\nstorage:\n  retention: 1e3\n")).toEqual([
      'test.yml: server.port must be a port number from 0 to 65535, in decimal digits (got "0x10")',
      'test.yml: storage.retention must be a whole number from 1 to 9007199254740991, in decimal digits (got "1e3")',
    ]);
  });

  it("refuses a head limit that could not keep half of itself, or a cache of no bytes", () => {
    expect(problems("storage:\n  head_limit: 1\n  segment_cache_bytes: 0\n")).toEqual([
      'test.yml: storage.head_limit must be a number of notifications from 2 to 10000, in decimal digits (got "1")',
      'test.yml: storage.segment_cache_bytes must be a whole number from 1 to 9007199254740991, in decimal digits (got "0")',
    ]);
  });

  it("refuses a timer longer than Node can wait, which would fire at once", () => {
    expect(problems("streams:\n  heartbeat_ms: 2147483648\n")).toEqual([
      'test.yml: streams.heartbeat_ms must be a time in ms from 1 to 2147483647, in decimal digits (got "2147483648")',
    ]);
  });

  it("says where the shape is wrong: the top level, a section, a key", () => {
    expect(problems("- 1\n- 2\n")).toEqual([
      "test.yml: the top level must be a mapping of sections",
    ]);
    expect(problems("server: 8080\nlog:\n  level:\n    deep: 1\n")).toEqual([
      "test.yml: server must be a mapping of keys",
      "test.yml: log.level must be a single value, not a mapping or a list",
    ]);
  });

  it("refuses YAML that does not parse, or names a key twice, in one line", () => {
    expect(problems("server: [")).toEqual([
      expect.stringMatching(/^test\.yml: not valid YAML \([^\n]+\)$/),
    ]);
    expect(problems("log:\n  level: info\n  level: warn\n")).toEqual([
      expect.stringMatching(/^test\.yml: not valid YAML \(Map keys must be unique/),
    ]);
  });

  it("a file that cannot be read is one problem naming it", async () => {
    await expect(loadConfig("no-such-config.yml", {})).rejects.toMatchObject({
      problems: [expect.stringMatching(/^no-such-config\.yml: cannot read the file \(ENOENT/)],
    });
  });
});
