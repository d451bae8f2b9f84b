import * as z from "zod";
import { integer, milliseconds } from "../config/config-values.js";
import { invalidOrigins } from "./cors-policy.js";

/**
 * A list: a YAML sequence, or text with entries separated by commas (as an
 * environment variable gives it); empty entries are dropped.
 */
const list = z
  .union([z.array(z.string()), z.string()])
  .transform((value) =>
    (Array.isArray(value) ? value : value.split(",")).map((s) => s.trim()).filter((s) => s !== ""),
  );

const claimName = z.string().regex(/^\S+$/, { error: "must be a claim name without spaces" });

// A secret, a path or a URL: any text, empty when unset. Never quoted in a message.
const optionalText = z.string();

/** `auth.jwt.*`: how tokens are verified (config.yml documents each key). */
export const jwtConfigSchema = z
  .strictObject({
    secret: optionalText.default(""),
    public_key_file: optionalText.default(""),
    jwks_file: optionalText.default(""),
    jwks_url: z
      .string()
      .refine((v) => v === "" || (URL.canParse(v) && /^https?:$/.test(new URL(v).protocol)), {
        error: "must be empty or an http:// or https:// URL",
      })
      .default(""),
    jwks_refresh_ms: milliseconds.default(30_000),
    algorithms: list.default([]),
    issuer: optionalText.default(""),
    audience: optionalText.default(""),
    leeway_s: integer(0, 86_400, "a number of seconds").default(30),
    user_claim: claimName.default("sub"),
    scope_claim: claimName.default("scope"),
  })
  .readonly();

/** `auth.*`: who may call (config.yml documents each key). */
export const authConfigSchema = z
  .strictObject({
    mode: z
      .enum(["none", "jwt"], {
        error: (issue) => `must be none or jwt (got ${JSON.stringify(String(issue.input))})`,
      })
      .default("none"),
    cookie: z
      .string()
      .regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, { error: "must be a cookie name (a token)" })
      .default(""),
    jwt: jwtConfigSchema.prefault({}),
  })
  .readonly();

/** `server.cors.*`: which browser origins may call (config.yml documents each key). */
export const corsConfigSchema = z
  .strictObject({
    allowed_origins: list
      .superRefine((origins, ctx) => {
        const bad = invalidOrigins(origins);
        if (bad.length > 0) {
          ctx.addIssue({
            code: "custom",
            message: `must list origins, scheme://host[:port] without a path, or "*" (${bad.map((o) => JSON.stringify(o)).join(", ")} ${bad.length === 1 ? "is not one" : "are not"})`,
          });
        }
      })
      .default([]),
  })
  .readonly();

/** The `auth` section. */
export type AuthConfig = z.output<typeof authConfigSchema>;
/** The `server.cors` section. */
export type CorsConfig = z.output<typeof corsConfigSchema>;
