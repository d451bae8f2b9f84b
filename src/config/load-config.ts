import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { type Config, defaultConfig } from "./config.js";
import { substituteEnv } from "./substitute-env.js";

/** A configuration that cannot start the service; `problems` has one line each. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
  }
}

type Kind = "port" | "positive" | "string" | "level" | "quorum";

// Every key config.yml may set, by its YAML path, and what it must be.
const schema: Record<string, Record<string, Kind>> = {
  server: {
    port: "port",
    admin_port: "port",
    host: "string",
    request_max_bytes: "positive",
    max_deadline_ms: "positive",
    drain_ms: "positive",
    headers_timeout_ms: "positive",
    max_streams_per_connection: "positive",
    max_streams: "positive",
  },
  storage: {
    data_dir: "string",
    retention: "positive",
    ping_interval_ms: "positive",
    ping_timeout_ms: "positive",
  },
  rules: { refresh_ms: "positive" },
  riak: {
    nodes: "string",
    bucket_type: "string",
    r: "quorum",
    pr: "quorum",
    w: "quorum",
    pw: "quorum",
    dw: "quorum",
    timeout_ms: "positive",
    attempts: "positive",
  },
  streams: { heartbeat_ms: "positive", queue_size: "positive" },
  redis: { url: "string", command_timeout_ms: "positive" },
  log: { level: "level" },
};

const quorumNames = ["one", "quorum", "all", "default"];
const levels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

/** Reads `config.yml` (with `${VAR:-default}` substitution) and checks every key. */
export async function loadConfig(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new ConfigError([`${path}: cannot read the file (${(cause as Error).message})`]);
  }
  return parseConfig(text, env, path);
}

/** Parses and checks configuration text; throws ConfigError listing every problem. */
export function parseConfig(text: string, env: NodeJS.ProcessEnv, source = "config"): Config {
  let document: unknown;
  try {
    document = parse(substituteEnv(text, env)) ?? {};
  } catch (cause) {
    throw new ConfigError([`${source}: not valid YAML (${(cause as Error).message})`]);
  }
  if (!isObject(document)) throw new ConfigError([`${source}: the top level must be a mapping`]);
  const problems: string[] = [];
  const result: Record<string, Record<string, unknown>> = {};
  for (const [section, value] of Object.entries(document)) {
    const keys = schema[section];
    if (!keys) problems.push(`${source}: unknown section "${section}"`);
    else if (value !== null && !isObject(value))
      problems.push(`${source}: ${section} must be a mapping`);
  }
  for (const [section, keys] of Object.entries(schema)) {
    const values = (document as Record<string, unknown>)[section];
    const given = isObject(values) ? values : {};
    const out: Record<string, unknown> = {
      ...(defaultConfig as unknown as Record<string, object>)[camel(section)],
    };
    for (const [key, value] of Object.entries(given)) {
      const kind = keys[key];
      if (!kind) {
        problems.push(`${source}: unknown key ${section}.${key}`);
        continue;
      }
      const checked = check(kind, value);
      if (typeof checked === "string" && checked.startsWith("!")) {
        problems.push(
          `${source}: ${section}.${key} ${checked.slice(1)} (got ${JSON.stringify(value)})`,
        );
      } else if (checked !== undefined) {
        out[camel(key)] = checked;
      }
    }
    result[camel(section)] = out;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return result as unknown as Config;
}

/** The checked value; undefined keeps the default; a string starting with "!" is a problem. */
function check(kind: Kind, value: unknown): unknown {
  if (value === null || value === "") return kind === "string" ? "" : undefined;
  switch (kind) {
    case "port":
      return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 65_535
        ? value
        : "!must be a port number from 0 to 65535";
    case "positive":
      return Number.isInteger(value) && (value as number) > 0
        ? value
        : "!must be a positive integer";
    case "string":
      return typeof value === "string" || typeof value === "number"
        ? String(value)
        : "!must be text";
    case "quorum":
      return (Number.isInteger(value) && (value as number) >= 0) ||
        quorumNames.includes(String(value))
        ? value
        : `!must be a replica count or one of ${quorumNames.join(", ")}`;
    case "level":
      return levels.includes(String(value))
        ? String(value)
        : `!must be one of ${levels.join(", ")}`;
  }
}

function camel(key: string): string {
  return key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
