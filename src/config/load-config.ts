import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import type * as z from "zod";
import { ConfigError } from "./config-error.js";
import { type Config, configSchema } from "./config-schema.js";
import { substituteEnv } from "./substitute-env.js";

/**
 * Reads `config.yml` (or the file at `path`) as {@link parseConfig} does.
 * Rejects with a ConfigError when the file cannot be read or is not valid.
 */
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

/**
 * Parses configuration text: YAML, every value read as text (its failsafe
 * schema), then `${VAR:-default}` substituted into those values, then every
 * key checked by {@link configSchema}. Throws a ConfigError with one line per
 * problem, each naming `source`, the key path (and the variables its value
 * came from) and what is wrong.
 */
export function parseConfig(text: string, env: NodeJS.ProcessEnv, source = "config"): Config {
  let document: unknown;
  try {
    document = parse(text, { schema: "failsafe", uniqueKeys: true, logLevel: "error" });
  } catch (cause) {
    const [firstLine = ""] = (cause as Error).message.split("\n");
    throw new ConfigError([`${source}: not valid YAML (${firstLine.replace(/:$/, "")})`]);
  }
  const { value, variables } = substituteEnv(document ?? {}, env);
  const result = configSchema.safeParse(value);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.flatMap((issue) => problemLines(issue, source, value, variables)),
  );
}

// One line per problem: zod's issue, worded for config.yml.
function problemLines(
  issue: z.core.$ZodIssue,
  source: string,
  document: unknown,
  variables: ReadonlyMap<string, readonly string[]>,
): string[] {
  const path = issue.path.map(String);
  const key = path.join(".");
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((unknown) =>
      key === ""
        ? `${source}: unknown section "${unknown}"`
        : `${source}: unknown key ${key}.${unknown}`,
    );
  }
  if (path.length === 0) return [`${source}: the top level must be a mapping of sections`];
  if (path.length === 1) return [`${source}: ${key} must be a mapping of keys`];
  const value = valueAt(document, path);
  // A list is a value too (server.cors.allowed_origins, auth.jwt.algorithms).
  if (typeof value !== "string" && !(Array.isArray(value) && issue.code === "custom")) {
    return [`${source}: ${key} must be a single value, not a mapping or a list`];
  }
  const used = variables.get(key);
  const from = used === undefined ? "" : ` (from ${used.join(", ")})`;
  return [`${source}: ${key}${from} ${issue.message}`];
}

function valueAt(document: unknown, path: readonly string[]): unknown {
  let node = document;
  for (const step of path) {
    node =
      typeof node === "object" && node !== null
        ? Object.getOwnPropertyDescriptor(node, step)?.value
        : undefined;
  }
  return node;
}
