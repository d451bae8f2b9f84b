import type { Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Config } from "../config/config-schema.js";
import { type AccessPolicy, accessPolicy } from "./access-policy.js";
import { assertPolicyCovers, createAuthInterceptor } from "./auth-interceptor.js";
import { registerAuthMetrics } from "./auth-metrics.js";
import { type Authenticator, jwtAuthentication, noAuthentication } from "./authenticator.js";
import { type CorsPolicy, createCorsPolicy } from "./cors-policy.js";
import { createTokenVerifier } from "./token-verifier.js";

/** What the server needs of authentication, authorization and CORS. */
export interface ServerAuth {
  readonly authenticator: Authenticator;
  /** The one authorization check; goes right after the call observer among the interceptors. */
  readonly interceptor: Interceptor;
  /** Answers preflights and adds CORS headers, before any routing. */
  readonly cors: CorsPolicy;
  /** Throws unless every registered method (`pkg.Service/Method`) has an access rule. */
  assertCovers(methods: Iterable<string>): void;
}

/** Options that tests and embedders set beyond the configuration. */
export interface ServerAuthOptions {
  readonly logger: Logger;
  /** Where `notification_auth_denials_total` goes. */
  readonly registry: Registry;
  /** The clock, in ms. Default `Date.now`. */
  readonly now?: () => number;
  /** Default: {@link accessPolicy}. */
  readonly policy?: AccessPolicy;
}

/**
 * Builds the auth layer from `auth.*` and `server.cors.*`: loads the token
 * keys (throws AuthConfigError when they are unusable), and logs what
 * protects the API, at warn level when nothing does.
 */
export async function createServerAuth(
  config: { readonly auth: Config["auth"]; readonly cors: Config["server"]["cors"] },
  options: ServerAuthOptions,
): Promise<ServerAuth> {
  const { logger } = options;
  const cors = createCorsPolicy(config.cors.allowed_origins);
  let authenticator: Authenticator = noAuthentication;
  if (config.auth.mode === "jwt") {
    const verifier = await createTokenVerifier(config.auth.jwt, {
      ...(options.now && { now: options.now }),
      onKeyLoadError: (error) =>
        logger.warn(
          { error: error instanceof Error ? error.message : String(error) },
          "could not load the token signing keys; the ones loaded before stay in use",
        ),
    });
    void verifier.key.keySet?.refresh();
    authenticator = jwtAuthentication(verifier, {
      cookie: config.auth.cookie,
      isTrustedOrigin: cors.isListed,
    });
    logger.info(
      { auth: "jwt", algorithms: verifier.key.algorithms, cookie: config.auth.cookie !== "" },
      `auth.mode jwt: every call needs a token verified with ${verifier.key.description}`,
    );
  } else {
    const { secret, public_key_file, jwks_file, jwks_url } = config.auth.jwt;
    const keyed = [secret, public_key_file, jwks_file, jwks_url].some((v) => v !== "");
    logger.warn(
      { auth: "none" },
      "auth.mode none: anyone who can reach the API port can read, change and delete every user's inbox; set auth.mode: jwt before exposing it" +
        (keyed ? " (an auth.jwt key is set, but auth.mode is not jwt, so it is not used)" : ""),
    );
  }
  const policy = options.policy ?? accessPolicy;
  return {
    authenticator,
    interceptor: createAuthInterceptor({
      authenticator,
      policy,
      onDenied: registerAuthMetrics(options.registry),
      ...(options.now && { now: options.now }),
    }),
    cors,
    assertCovers: (methods) => assertPolicyCovers(methods, policy),
  };
}
