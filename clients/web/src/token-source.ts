import { expiresAtMs } from "./token-claims.js";

/** Gives a fresh token: the embedding page's callback (it may call its own server). */
export type TokenProvider = () => string | Promise<string>;

/** Where the inbox gets its token. */
export interface TokenSourceOptions {
  /** A fixed token; used as is until it expires. */
  readonly token?: string;
  /** Asked for a token when there is none yet and again before each one expires. */
  readonly provider?: TokenProvider;
  /** The clock, in ms since the Unix epoch. Default `Date.now`. */
  readonly now?: () => number;
  /**
   * How long before its `exp` a token is replaced, in ms, at most: a quarter
   * of the token's lifetime when that is shorter. Default 60 000.
   */
  readonly refreshBeforeMs?: number;
}

/**
 * The token every call sends. With a provider, a token is replaced before it
 * expires (the margin of `refreshBeforeMs`), and concurrent callers share one
 * request to the provider. Without a token or a provider, calls go without
 * one (`auth.mode: none`).
 */
export class TokenSource {
  private token: string | undefined;
  private obtainedAt = 0;
  private pending: Promise<string> | undefined;
  private readonly now: () => number;
  private readonly refreshBeforeMs: number;

  constructor(private readonly options: TokenSourceOptions = {}) {
    this.token = options.token || undefined;
    this.now = options.now ?? Date.now;
    this.refreshBeforeMs = options.refreshBeforeMs ?? 60_000;
    this.obtainedAt = this.now();
  }

  /** True when a provider can give a new token. */
  get refreshable(): boolean {
    return this.options.provider !== undefined;
  }

  /** The token to send now: the held one, or a fresh one when it is due (or there is none). */
  async current(): Promise<string | undefined> {
    if (this.token !== undefined && (!this.refreshable || this.msUntilRefresh() > 0)) {
      return this.token;
    }
    return this.refreshable ? this.fresh() : this.token;
  }

  /** Asks the provider for a new token (once, however many callers wait for it). */
  fresh(): Promise<string> {
    const provider = this.options.provider;
    if (provider === undefined)
      return Promise.reject(new Error("no token provider to refresh from"));
    this.pending ??= (async () => {
      try {
        const token = await provider();
        if (typeof token !== "string" || token === "") {
          throw new Error("the token provider gave no token (an empty value)");
        }
        this.token = token;
        this.obtainedAt = this.now();
        return token;
      } finally {
        this.pending = undefined;
      }
    })();
    return this.pending;
  }

  /**
   * Ms until the held token should be replaced (0: now); `Infinity` when it
   * never needs to be (no `exp`, or no provider to replace it).
   */
  msUntilRefresh(): number {
    const expires = this.token === undefined ? undefined : expiresAtMs(this.token);
    if (expires === undefined || !this.refreshable) return Number.POSITIVE_INFINITY;
    const margin = Math.min(this.refreshBeforeMs, (expires - this.obtainedAt) / 4);
    return Math.max(0, expires - margin - this.now());
  }
}
