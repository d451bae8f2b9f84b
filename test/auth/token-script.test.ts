import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTokenVerifier, defaultJwtOptions } from "../../src/auth/token-verifier.js";
import { keyDirectory, keyPair, testSecret } from "./token-factory.js";

const run = promisify(execFile);

/** `npm run token -- <args>` with `CONFIG` pointing at `config`. */
async function token(config: string, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ["--import", "tsx", "scripts/token.ts", ...args],
      { env: { ...process.env, CONFIG: config, ...env }, timeout: 20_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("npm run token", () => {
  let keys: Awaited<ReturnType<typeof keyDirectory>>;
  beforeAll(async () => {
    keys = await keyDirectory();
  });
  afterAll(async () => {
    await keys.close();
  });

  it("prints a token the service accepts, for the configured secret, issuer and audience", async () => {
    const config = await keys.write(
      "secret.yml",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: config.yml's own syntax, not a template
      "auth:\n  mode: jwt\n  jwt:\n    secret: ${AUTH_JWT_SECRET:-}\n    issuer: https://id.test\n    audience: inbox\n",
    );
    const result = await token(
      config,
      ["--user", "ann", "--scope", "notifications:write", "--ttl", "15m"],
      {
        AUTH_JWT_SECRET: testSecret,
      },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const verifier = await createTokenVerifier({
      ...defaultJwtOptions,
      secret: testSecret,
      issuer: "https://id.test",
      audience: "inbox",
    });
    const principal = await verifier.verify(result.stdout.trim());
    expect(principal.user).toBe("ann");
    expect([...principal.scopes]).toEqual(["notifications:write"]);
    const lifetime = principal.expiresAt - defaultJwtOptions.leeway_s * 1000 - Date.now();
    expect(lifetime).toBeGreaterThan(14 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(15 * 60_000);
  });

  it("signs with --private-key when the service holds a public key, in the configured claims", async () => {
    const pair = await keyPair("ec-p256");
    const publicFile = await keys.write("ec.pem", pair.publicPem);
    const privateFile = await keys.write(
      "ec-private.pem",
      pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    );
    const config = await keys.write(
      "public.yml",
      `auth:\n  mode: jwt\n  jwt:\n    public_key_file: ${publicFile}\n    user_claim: user_id\n`,
    );
    const result = await token(config, ["--user", "ann", "--private-key", privateFile]);
    expect(result.code).toBe(0);
    const verifier = await createTokenVerifier({
      ...defaultJwtOptions,
      public_key_file: publicFile,
      user_claim: "user_id",
    });
    expect((await verifier.verify(result.stdout.trim())).user).toBe("ann");
  });

  it("says what is missing: a key, a user, a usable ttl", async () => {
    const config = await keys.write("nokey.yml", "auth:\n  mode: jwt\n");
    const noKey = await token(config, ["--user", "ann"]);
    expect(noKey.code).toBe(2);
    expect(noKey.stdout).toBe("");
    expect(noKey.stderr).toMatch(
      /auth.jwt.secret is not set: give the private key .* --private-key/,
    );
    const noUser = await token(config, []);
    expect(noUser.stderr).toMatch(/give --user <name>, --scope <scope>, or both/);
    const badTtl = await token(config, ["--user", "ann", "--ttl", "soon"]);
    expect(badTtl.stderr).toMatch(/--ttl must be a duration .* \(got "soon"\)/);
  });
});
