import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { AuthConfigError } from "../../src/auth/verification-key.js";
import { captureLogs } from "../support/log-capture.js";
import { authConfig, startAuthService } from "./auth-service.js";
import { testSecret } from "./token-factory.js";

describe("start-up", () => {
  it("warns with auth.mode none that anyone reaching the port can read every inbox", async () => {
    const { logger, lines } = captureLogs();
    const sut = await startAuthService(authConfig({}), [], { logger });
    await sut.close();
    const warning = lines.find((l) => l.auth === "none");
    expect(warning).toMatchObject({ level: 40 });
    expect(warning?.msg).toMatch(
      /anyone who can reach the API port can read, change and delete every user's inbox/,
    );
    expect(warning?.msg).not.toMatch(/is not used/);
  });

  it("says so when a key is configured but auth.mode is not jwt", async () => {
    const { logger, lines } = captureLogs();
    const sut = await startAuthService(authConfig({ jwt: { secret: testSecret } }), [], { logger });
    await sut.close();
    expect(lines.find((l) => l.auth === "none")?.msg).toMatch(
      /an auth.jwt key is set, but auth.mode is not jwt/,
    );
  });

  it("logs what verifies tokens with auth.mode jwt, never the key", async () => {
    const { logger, lines } = captureLogs();
    const sut = await startAuthService(
      authConfig({ mode: "jwt", jwt: { secret: testSecret } }),
      [],
      { logger },
    );
    await sut.close();
    expect(lines.find((l) => l.auth === "jwt")).toMatchObject({
      level: 30,
      msg: "auth.mode jwt: every call needs a token verified with a secret",
      algorithms: ["HS256", "HS384"],
    });
    expect(JSON.stringify(lines)).not.toContain(testSecret);
  });

  it("refuses to start with a key that cannot verify tokens", async () => {
    const error = await startAuthService(
      authConfig({ mode: "jwt", jwt: { secret: "short" } }),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthConfigError);
    expect((error as AuthConfigError).problems).toEqual([
      "auth.jwt.secret must be at least 32 bytes (got 5); generate one with: openssl rand -base64 48",
    ]);
  });

  it("exits 2 naming the missing key when AUTH_MODE=jwt has none", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env: { ...process.env, AUTH_MODE: "jwt", AUTH_JWT_SECRET: "", PORT: "0", ADMIN_PORT: "0" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(
      "config error: auth.mode jwt needs one of auth.jwt.secret, auth.jwt.public_key_file, auth.jwt.jwks_file or auth.jwt.jwks_url",
    );
  }, 90_000);
});
