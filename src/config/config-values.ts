import { isIP } from "node:net";
import * as z from "zod";
import { durationGrammar, durationMs, parseDuration } from "../domain/duration.js";
import type { RiakNodeAddress } from "../riak/client.js";
import { parseRiakNodes } from "../riak/node-list.js";
import type { Quorum } from "../riak/quorum.js";

// The kinds of value config.yml holds. Every value arrives as text (the YAML
// is read with its failsafe schema and environment values are substituted
// into it), so each kind says which text it accepts and what it becomes.
// Messages complete "<key> ..." and quote the text, except for secrets.

// The longest timer Node can set, in ms: a longer one would fire at once.
const longestTimerMs = 2_147_483_647;

const decimal = /^[0-9]+$/;

/** A whole number written in decimal digits, from `min` to `max`. */
export function integer(min: number, max: number, what = "an integer"): z.ZodType<number, string> {
  return z.string().transform((text, ctx) => {
    const value = decimal.test(text) ? Number(text) : Number.NaN;
    if (value >= min && value <= max) return value;
    ctx.addIssue({
      code: "custom",
      message: `must be ${what} from ${min} to ${max}, in decimal digits (got ${quote(text)})`,
    });
    return z.NEVER;
  });
}

/** A TCP port to listen on; 0 picks a free one. */
export const port = integer(0, 65_535, "a port number");

/** A positive count. */
export const count = integer(1, Number.MAX_SAFE_INTEGER, "a whole number");

/** A time in milliseconds, at least 1, at most what a Node timer can wait. */
export const milliseconds = integer(1, longestTimerMs, "a time in ms");

/**
 * A length of time written as a rule's `max_duration` is (`24 hours`, `90m`),
 * at least 1 ms, at most what a Node timer can wait; becomes milliseconds.
 */
export const duration = z.string().transform((value, ctx) => {
  const parsed = parseDuration(value);
  const ms = parsed ? durationMs(parsed) : Number.NaN;
  if (ms >= 1 && ms <= longestTimerMs) return ms;
  ctx.addIssue({
    code: "custom",
    message: parsed
      ? `must be at most ${longestTimerMs} ms (about 24 days) (got ${quote(value)})`
      : `must be a duration: ${durationGrammar} (got ${quote(value)})`,
  });
  return z.NEVER;
});

/** Non-empty text without spaces or control characters, such as a bucket type name. */
export const name = z.string().regex(/^[^\s\p{Cc}]+$/u, {
  error: (issue) => `must be a name without spaces (got ${quote(String(issue.input))})`,
});

/** Empty, or a {@link name}: a name that may be left out. */
export const optionalName = z.string().regex(/^[^\s\p{Cc}]*$/u, {
  error: (issue) => `must be empty or a name without spaces (got ${quote(String(issue.input))})`,
});

/** Any non-empty text, such as a path. */
export const text = z.string().min(1, { error: "must not be empty" });

const hostName =
  /^[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*$/;

/** An interface to bind: an IPv4 or IPv6 address (without brackets) or a host name. */
export const host = z.string().refine((value) => isIP(value) !== 0 || hostName.test(value), {
  error: (issue) =>
    `must be an IP address (0.0.0.0, ::) or a host name (got ${quote(String(issue.input))})`,
});

const quorumNames = ["one", "quorum", "all", "default"] as const;

/** A Riak quorum: a replica count, or one, quorum, all, default (the bucket's own). */
export const quorum: z.ZodType<Quorum, string> = z.string().transform((value, ctx) => {
  if (isQuorumName(value)) return value;
  if (decimal.test(value) && Number(value) <= 255) return Number(value);
  ctx.addIssue({
    code: "custom",
    message: `must be a replica count (0 to 255) or one of ${quorumNames.join(", ")} (got ${quote(value)})`,
  });
  return z.NEVER;
});

// YAML's spellings of "nothing": as node lists they are surely a mistake.
const yamlNulls = new Set(["null", "Null", "NULL", "~"]);

/** `host[:port]` entries separated by commas, IPv6 in brackets; empty = none. */
export const riakNodes: z.ZodType<readonly RiakNodeAddress[], string> = z
  .string()
  .transform((value, ctx) => {
    if (value === "") return [];
    if (yamlNulls.has(value.trim())) {
      ctx.addIssue({
        code: "custom",
        message: `must list host:port entries (got ${quote(value)}; leave it empty for the embedded store)`,
      });
      return z.NEVER;
    }
    try {
      return parseRiakNodes(value);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: `is not a node list: ${(error as Error).message}` });
      return z.NEVER;
    }
  });

/**
 * A Redis URL, `redis://` or `rediss://`; empty = none. Never quoted in a
 * message: it may carry a password.
 */
export const redisUrl = z.string().refine((value) => value === "" || isRedisUrl(value), {
  error: "must be empty or a URL redis://[user:password@]host[:port][/db] (or rediss://)",
});

/**
 * An SMTP server's URL, `smtp://` (STARTTLS when the server offers it) or
 * `smtps://` (TLS from the start), with `user:password@` for authentication
 * and nodemailer's options as query parameters; empty = none. Never quoted
 * in a message: it may carry a password.
 */
export const smtpUrl = z.string().refine((value) => value === "" || isSmtpUrl(value), {
  error: "must be empty or a URL smtp://[user:password@]host[:port] (or smtps://)",
});

/** An absolute http:// or https:// URL. */
export const httpUrl = z
  .string()
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    error: (issue) => `must be an http:// or https:// URL (got ${quote(String(issue.input))})`,
  });

/** One email address, bare or with a display name: `Name <local@domain>`. */
export const emailAddress = z
  .string()
  .regex(/^(?:[^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/, {
    error: (issue) =>
      `must be an email address, local@domain or Name <local@domain> (got ${quote(String(issue.input))})`,
  });

/** A switch: `true` or `false`. */
export const flag: z.ZodType<boolean, string> = z.string().transform((text, ctx) => {
  if (text === "true" || text === "false") return text === "true";
  ctx.addIssue({ code: "custom", message: `must be true or false (got ${quote(text)})` });
  return z.NEVER;
});

/** pino's levels. */
export const logLevel = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
  error: (issue) =>
    `must be one of fatal, error, warn, info, debug, trace, silent (got ${quote(String(issue.input))})`,
});

function isQuorumName(value: string): value is (typeof quorumNames)[number] {
  return (quorumNames as readonly string[]).includes(value);
}

function isSmtpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === "smtp:" || url.protocol === "smtps:") && url.hostname !== "";
}

function isRedisUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (
    (url.protocol === "redis:" || url.protocol === "rediss:") &&
    url.hostname !== "" &&
    /^(\/[0-9]*)?$/.test(url.pathname) &&
    url.search === "" &&
    url.hash === ""
  );
}

function quote(value: string): string {
  return JSON.stringify(value);
}

/**
 * A list: text with entries separated by commas (as a variable gives it), or
 * a YAML sequence; entries are trimmed and empty ones dropped; empty = none.
 */
export const textList: z.ZodType<readonly string[], string | string[]> = z
  .union([z.string(), z.array(z.string())])
  .transform((value) =>
    (Array.isArray(value) ? value : value.split(",")).map((s) => s.trim()).filter((s) => s !== ""),
  );

/**
 * Browser origins, a list: each `*` or `scheme://host[:port]` (http or https,
 * no path), made the way a browser sends it in `Origin` (lower case, no
 * default port).
 */
export const origins: z.ZodType<readonly string[], string | string[]> = textList.transform(
  (entries, ctx) => {
    const normal = entries.map((entry) => (entry === "*" ? entry : originOf(entry)));
    const bad = entries.filter((_entry, index) => normal[index] === undefined);
    if (bad.length === 0) return normal as string[];
    ctx.addIssue({
      code: "custom",
      message: `must list origins, scheme://host[:port] without a path, or "*" (${bad.map(quote).join(", ")} ${bad.length === 1 ? "is not one" : "are not"})`,
    });
    return z.NEVER;
  },
);

function originOf(text: string): string | undefined {
  if (!URL.canParse(text)) return undefined;
  const url = new URL(text);
  const bare = url.pathname === "/" && url.search === "" && url.hash === "" && url.username === "";
  return bare && (url.protocol === "http:" || url.protocol === "https:") ? url.origin : undefined;
}
