// Prints a token for the configured key, for development and scripts:
//   npm run token -- --user ann
//   npm run token -- --user billing --scope notifications:write --ttl 12h
// Reads config.yml (or $CONFIG) like the service, so AUTH_JWT_SECRET and the
// other auth variables apply. Only the token goes to stdout.
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config/load-config.js";
import { durationMs, parseDuration } from "../src/domain/duration.js";
import { issueToken } from "./issue-token.js";

const usage = `usage: npm run token -- --user <name> [--scope <scope>]... [--ttl 1h]
                      [--private-key <pem file>] [--alg <alg>] [--kid <kid>]
  --user         the user the token speaks for (its inbox, stream and preferences)
  --scope        notifications:write (create for anyone) or notifications:admin (everything); repeatable
  --ttl          lifetime such as 15m, 1h, 7d (default 1h)
  --private-key  the signing key, when auth.jwt is a public key or a JWKS (not a secret)
  --alg, --kid   the algorithm and key id header (default: the configured or usual ones)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      user: { type: "string", default: "" },
      scope: { type: "string", multiple: true, default: [] },
      ttl: { type: "string", default: "1h" },
      "private-key": { type: "string", default: "" },
      alg: { type: "string", default: "" },
      kid: { type: "string", default: "" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  if (values.user === "" && values.scope.length === 0) {
    throw new Error("give --user <name>, --scope <scope>, or both");
  }
  const ttl = parseDuration(values.ttl);
  if (ttl === undefined || durationMs(ttl) < 1000) {
    throw new Error(
      `--ttl must be a duration of at least a second, such as 15m, 1h or 7d (got "${values.ttl}")`,
    );
  }
  const config = await loadConfig(process.env.CONFIG ?? "config.yml");
  if (config.auth.mode !== "jwt") {
    process.stderr.write("note: auth.mode is none, so the service does not ask for this token\n");
  }
  const token = await issueToken(config.auth, {
    user: values.user,
    scopes: values.scope,
    ttlS: Math.floor(durationMs(ttl) / 1000),
    privateKeyFile: values["private-key"],
    alg: values.alg,
    kid: values.kid,
    now: Date.now(),
  });
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  const problems = (error as { problems?: readonly string[] }).problems;
  const lines = problems ?? [error instanceof Error ? error.message : String(error)];
  for (const line of lines) process.stderr.write(`token: ${line}\n`);
  process.stderr.write(`${usage}\n`);
  process.exit(2);
});
