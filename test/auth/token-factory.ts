import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, type JWK, type JWTPayload, SignJWT } from "jose";

/** A test secret of 48 bytes: HS256 and HS384 fit, HS512 does not. */
export const testSecret = "test-secret-0123456789-abcdefghijklmnopqrstuvwxy";

/** An asymmetric key pair and its public key as PEM and JWK. */
export interface TestKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly publicPem: string;
  readonly jwk: JWK;
}

/** A fresh key pair of the kind a JWT algorithm needs. */
export async function keyPair(
  kind: "rsa" | "ec-p256" | "ec-p384" | "ed25519",
  kid?: string,
  alg?: string,
): Promise<TestKeyPair> {
  const { privateKey, publicKey } =
    kind === "rsa"
      ? generateKeyPairSync("rsa", { modulusLength: 2048 })
      : kind === "ed25519"
        ? generateKeyPairSync("ed25519")
        : generateKeyPairSync("ec", { namedCurve: kind === "ec-p256" ? "P-256" : "P-384" });
  const jwk: JWK = { ...(await exportJWK(publicKey)), ...(kid && { kid }), ...(alg && { alg }) };
  return {
    privateKey,
    publicKey,
    publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    jwk,
  };
}

/** What a test token carries and how it is signed. */
export interface TokenSpec {
  /** Default HS256. */
  readonly alg?: string;
  /** Default: the test secret. */
  readonly key?: KeyObject | Uint8Array | string;
  readonly kid?: string;
  /** Claims; `exp` defaults to an hour from now unless `noExp`. */
  readonly claims?: JWTPayload;
  /** Seconds from now. Default 3600. */
  readonly expiresIn?: number;
  readonly noExp?: boolean;
  /** Seconds from now. */
  readonly notBefore?: number;
}

/** A signed JWT. */
export async function signToken(spec: TokenSpec = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ ...spec.claims }).setProtectedHeader({
    alg: spec.alg ?? "HS256",
    ...(spec.kid && { kid: spec.kid }),
  });
  if (!spec.noExp && spec.claims?.exp === undefined) {
    jwt.setExpirationTime(now + (spec.expiresIn ?? 3600));
  }
  if (spec.notBefore !== undefined) jwt.setNotBefore(now + spec.notBefore);
  const key = spec.key ?? testSecret;
  return jwt.sign(typeof key === "string" ? new TextEncoder().encode(key) : key);
}

/** A token whose header says `alg: none` and which has no signature. */
export function unsignedToken(claims: JWTPayload): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const exp = Math.floor(Date.now() / 1000) + 3600;
  return `${part({ alg: "none", typ: "JWT" })}.${part({ exp, ...claims })}.`;
}

/** A temporary directory for key files, removed by `close`. */
export async function keyDirectory(): Promise<{
  write(name: string, content: string): Promise<string>;
  close(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), "notification-keys-"));
  return {
    async write(name, content) {
      const path = join(dir, name);
      await writeFile(path, content);
      return path;
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
