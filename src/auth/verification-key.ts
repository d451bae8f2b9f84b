import { createPublicKey, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { JWTVerifyGetKey } from "jose";
import { ConfigError } from "../config/config-error.js";
import { RefreshingKeySet } from "./refreshing-key-set.js";

/** Where the keys that verify tokens come from (`auth.jwt.*`); exactly one source is set. */
export interface KeySourceOptions {
  /** An HMAC secret (HS256/384/512), at least 32 bytes. Default empty. */
  readonly secret: string;
  /** A PEM file with a public key or certificate (RS*, PS*, ES*, EdDSA). Default empty. */
  readonly public_key_file: string;
  /** A JSON Web Key Set file. Default empty. */
  readonly jwks_file: string;
  /** A JSON Web Key Set URL. Default empty. */
  readonly jwks_url: string;
  /** The least time between two loads of the key set, in ms. Default 30 000. */
  readonly jwks_refresh_ms: number;
  /** Accepted algorithms; empty: every one the key can verify. `none` is never accepted. */
  readonly algorithms: readonly string[];
}

/** A key source in effect: the key (or key resolver) and the algorithms it accepts. */
export interface VerificationKey {
  readonly key: Uint8Array | KeyObject | JWTVerifyGetKey;
  /** The allow-list: the configured algorithms, or every one the key can verify. */
  readonly algorithms: readonly string[];
  /** What verifies tokens, for the start-up log (never the key itself). */
  readonly description: string;
  /** The JWKS source, when the keys come from a key set. */
  readonly keySet: RefreshingKeySet | undefined;
}

/**
 * A key configuration that cannot verify tokens; `problems` has one line
 * each. A ConfigError: start-up stops with exit code 2.
 */
export class AuthConfigError extends ConfigError {}

/** Options that tests and embedders set beyond the configuration. */
export interface KeySourceEnvironment {
  /** The clock, in ms. Default `Date.now`. */
  readonly now?: () => number;
  /** Told about each failed key set load. Default: nothing. */
  readonly onKeyLoadError?: (error: unknown) => void;
  /** The longest a JWKS URL may take to answer, in ms. Default 5000. */
  readonly fetchTimeoutMs?: number;
}

const hmacAlgorithms = ["HS256", "HS384", "HS512"];
const rsaAlgorithms = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"];
const edAlgorithms = ["EdDSA", "Ed25519"];
const ecAlgorithms: Readonly<Record<string, string>> = {
  prime256v1: "ES256",
  secp384r1: "ES384",
  secp521r1: "ES512",
};
const asymmetricAlgorithms = [...rsaAlgorithms, ...Object.values(ecAlgorithms), ...edAlgorithms];
// RFC 7518 §3.2: an HMAC key at least as long as the hash.
const hmacMinBytes: Readonly<Record<string, number>> = { HS256: 32, HS384: 48, HS512: 64 };

/**
 * Builds the key that verifies tokens from the one configured source: reads
 * the PEM file, loads the JWKS file (both must work at start-up), prepares
 * the JWKS URL (loaded when first needed). Throws AuthConfigError when the
 * sources or algorithms do not fit together, naming the key at fault.
 */
export async function loadVerificationKey(
  options: KeySourceOptions,
  environment: KeySourceEnvironment = {},
): Promise<VerificationKey> {
  const sources = (["secret", "public_key_file", "jwks_file", "jwks_url"] as const).filter(
    (name) => options[name] !== "",
  );
  if (sources.length !== 1) {
    throw new AuthConfigError([
      sources.length === 0
        ? "auth.mode jwt needs one of auth.jwt.secret, auth.jwt.public_key_file, auth.jwt.jwks_file or auth.jwt.jwks_url"
        : `auth.jwt: set only one of ${sources.map((s) => `auth.jwt.${s}`).join(", ")}`,
    ]);
  }
  if (options.algorithms.some((a) => a.toLowerCase() === "none")) {
    throw new AuthConfigError(['auth.jwt.algorithms: "none" (unsigned tokens) is never accepted']);
  }
  if (options.secret !== "") return secretKey(options);
  if (options.public_key_file !== "") return publicKeyFromFile(options);
  const keySet = new RefreshingKeySet({
    load:
      options.jwks_file !== ""
        ? async () => JSON.parse(await readFile(options.jwks_file, "utf8"))
        : fetchJson(options.jwks_url, environment.fetchTimeoutMs ?? 5000),
    refreshMs: options.jwks_refresh_ms,
    ...(environment.now && { now: environment.now }),
    ...(environment.onKeyLoadError && { onLoadError: environment.onKeyLoadError }),
  });
  if (options.jwks_file !== "") {
    try {
      await keySet.loadNow();
    } catch (error) {
      throw new AuthConfigError([
        `auth.jwt.jwks_file: not a readable JSON Web Key Set (${(error as Error).message})`,
      ]);
    }
  }
  return {
    key: keySet.resolve,
    algorithms: allowed(options, asymmetricAlgorithms, "a JSON Web Key Set"),
    description: options.jwks_file !== "" ? "a JWKS file" : "a JWKS URL",
    keySet,
  };
}

function secretKey(options: KeySourceOptions): VerificationKey {
  const key = new TextEncoder().encode(options.secret);
  if (key.length < 32) {
    throw new AuthConfigError([
      `auth.jwt.secret must be at least 32 bytes (got ${key.length}); generate one with: openssl rand -base64 48`,
    ]);
  }
  const fitting = hmacAlgorithms.filter((a) => key.length >= (hmacMinBytes[a] ?? 0));
  const algorithms = allowed(options, hmacAlgorithms, "a secret");
  const short = algorithms.filter((a) => !fitting.includes(a));
  if (options.algorithms.length > 0 && short.length > 0) {
    throw new AuthConfigError([
      `auth.jwt.secret is too short for ${short.join(", ")} (${key.length} bytes; ${short.map((a) => `${a} needs ${hmacMinBytes[a]}`).join(", ")})`,
    ]);
  }
  return {
    key,
    algorithms: options.algorithms.length > 0 ? algorithms : fitting,
    description: "a secret",
    keySet: undefined,
  };
}

async function publicKeyFromFile(options: KeySourceOptions): Promise<VerificationKey> {
  let pem: string;
  try {
    pem = await readFile(options.public_key_file, "utf8");
  } catch (error) {
    throw new AuthConfigError([
      `auth.jwt.public_key_file: cannot read the file (${(error as Error).message})`,
    ]);
  }
  if (/-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(pem)) {
    throw new AuthConfigError([
      "auth.jwt.public_key_file holds a private key: give the service only the public key (openssl pkey -pubout)",
    ]);
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new AuthConfigError([
      `auth.jwt.public_key_file: not a PEM public key or certificate (${(error as Error).message})`,
    ]);
  }
  const family = algorithmsOf(key);
  if (family.length === 0) {
    throw new AuthConfigError([
      `auth.jwt.public_key_file: a ${key.asymmetricKeyType} key verifies none of the JWT algorithms (RS*, PS*, ES256/384/512, EdDSA)`,
    ]);
  }
  return {
    key,
    algorithms: allowed(options, family, `this ${key.asymmetricKeyType?.toUpperCase()} public key`),
    description: `a${key.asymmetricKeyType === "ec" ? "n" : ""} ${key.asymmetricKeyType?.toUpperCase()} public key`,
    keySet: undefined,
  };
}

/** The JWT algorithms a public key can verify. */
function algorithmsOf(key: KeyObject): string[] {
  switch (key.asymmetricKeyType) {
    case "rsa":
      return rsaAlgorithms;
    case "rsa-pss":
      return rsaAlgorithms.filter((a) => a.startsWith("PS"));
    case "ec": {
      const curve = key.asymmetricKeyDetails?.namedCurve ?? "";
      const algorithm = ecAlgorithms[curve];
      return algorithm ? [algorithm] : [];
    }
    case "ed25519":
      return edAlgorithms;
    default:
      return [];
  }
}

/** The configured algorithms, all of which `family` must contain, or the whole family. */
function allowed(options: KeySourceOptions, family: readonly string[], what: string): string[] {
  if (options.algorithms.length === 0) return [...family];
  const unfit = options.algorithms.filter((a) => !family.includes(a));
  if (unfit.length > 0) {
    throw new AuthConfigError([
      `auth.jwt.algorithms: ${unfit.join(", ")} cannot be verified with ${what} (it verifies ${family.join(", ")})`,
    ]);
  }
  return [...options.algorithms];
}

function fetchJson(url: string, timeoutMs: number): () => Promise<unknown> {
  return async () => {
    const response = await fetch(url, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`the JWKS URL answered HTTP ${response.status}`);
    }
    return response.json();
  };
}
