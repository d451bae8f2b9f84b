import { readFileSync } from "node:fs";
import { ConfigError } from "../../src/config/config-error.js";
import { parseConfig } from "../../src/config/load-config.js";

/** The config.yml this repository ships. */
export const shippedConfig = readFileSync("config.yml", "utf8");

/** The problems of `text` (default: the shipped config.yml) under `env`; none when it parses. */
export function configProblems(env: NodeJS.ProcessEnv, text = shippedConfig): readonly string[] {
  try {
    parseConfig(text, env, "config.yml");
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems;
  }
}
