import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { type AccessPolicy, accessPolicy, denialOf } from "./access-policy.js";
import { AuthFailure, type DenialReason } from "./auth-failure.js";
import type { Authenticator } from "./authenticator.js";
import { principalKey } from "./principal.js";

/** Options of {@link createAuthInterceptor}. */
export interface AuthInterceptorOptions {
  readonly authenticator: Authenticator;
  /** Default: {@link accessPolicy}. */
  readonly policy?: AccessPolicy;
  /** Told about every refused call (metrics). Default: nothing. */
  readonly onDenied?: (reason: DenialReason, method: string) => void;
  /** The clock, in ms. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * The one authorization check every call goes through, whatever its protocol
 * (REST reaches the same Connect handlers): the method's row of the access
 * table, the caller's principal from its token, the decision. A refused call
 * never reaches the service (nothing is read or written). A stream that
 * outlives its token ends with UNAUTHENTICATED when the token expires, so that
 * the client reconnects with a fresh one. The principal is in the call's
 * context values under `principalKey`.
 */
export function createAuthInterceptor(options: AuthInterceptorOptions): Interceptor {
  const policy = options.policy ?? accessPolicy;
  const now = options.now ?? Date.now;
  return (next) => async (req) => {
    const method = `${req.service.typeName}/${req.method.name}`;
    const access = policy[method];
    try {
      if (access === undefined) {
        throw new AuthFailure("forbidden", `${req.method.name} has no access rule; it is refused`);
      }
      if (access.kind === "public") return await next(req);
      const principal = await options.authenticator.authenticate(req.header, req.url);
      let message: unknown;
      if (req.stream) {
        const first = await firstOf(req.message);
        message = first.value;
        req = { ...req, message: first.all };
      } else {
        message = req.message;
      }
      const denial = denialOf(access, principal, req.method.name, message);
      if (denial !== undefined) throw new AuthFailure("forbidden", denial);
      req.contextValues.set(principalKey, principal);
      const res = await next(req);
      if (!res.stream || !Number.isFinite(principal.expiresAt)) return res;
      return { ...res, message: untilExpiry(res.message, principal.expiresAt, now) };
    } catch (error) {
      if (!(error instanceof AuthFailure)) throw error;
      options.onDenied?.(error.reason, method);
      throw error.toConnectError();
    }
  };
}

/**
 * Throws when `methods` (`package.Service/Method`) has one without a row in
 * `policy`: a method added without deciding who may call it stops start-up.
 */
export function assertPolicyCovers(
  methods: Iterable<string>,
  policy: AccessPolicy = accessPolicy,
): void {
  const missing = [...methods].filter((m) => policy[m] === undefined);
  if (missing.length > 0) {
    throw new Error(
      `no access rule for ${missing.join(", ")}: add a row to src/auth/access-policy.ts`,
    );
  }
}

/** The first message of a request stream, and the whole stream again. */
async function firstOf<T>(messages: AsyncIterable<T>) {
  const iterator = messages[Symbol.asyncIterator]();
  const first = await iterator.next();
  const all: AsyncIterable<T> = {
    async *[Symbol.asyncIterator]() {
      if (first.done) return;
      yield first.value;
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) yield r.value;
    },
  };
  return { value: first.done ? undefined : first.value, all };
}

// setTimeout fires at once for delays above 2^31 - 1 ms (about 24.8 days).
const longestTimer = 2 ** 31 - 1;

/**
 * The response stream until `expiresAt`, then UNAUTHENTICATED. The handler's
 * own generator is left to finish when the call's signal aborts, which Connect
 * does as soon as the error ends the call.
 */
async function* untilExpiry<T>(
  messages: AsyncIterable<T>,
  expiresAt: number,
  now: () => number,
): AsyncIterable<T> {
  const iterator = messages[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    const arm = () => {
      const left = expiresAt - now();
      if (left <= 0) {
        reject(
          new ConnectError(
            "the token has expired; reconnect with a fresh one",
            Code.Unauthenticated,
          ),
        );
        return;
      }
      timer = setTimeout(arm, Math.min(left, longestTimer));
    };
    arm();
  });
  expired.catch(() => undefined);
  try {
    for (;;) {
      const result = await Promise.race([iterator.next(), expired]);
      if (result.done) return;
      yield result.value;
    }
  } finally {
    clearTimeout(timer);
    void iterator.return?.()?.catch(() => undefined);
  }
}
