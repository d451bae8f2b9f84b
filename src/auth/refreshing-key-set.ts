import {
  type CompactJWSHeaderParameters,
  type CryptoKey,
  createLocalJWKSet,
  errors,
  type FlattenedJWSInput,
} from "jose";
import { AuthFailure } from "./auth-failure.js";

/** Options of {@link RefreshingKeySet}. */
export interface RefreshingKeySetOptions {
  /** Reads the JSON Web Key Set (`{"keys": [...]}`) from its file or URL. */
  readonly load: () => Promise<unknown>;
  /**
   * The least time between two loads, in ms: a token with an unknown `kid`
   * causes at most one load per interval, however many such tokens arrive.
   */
  readonly refreshMs: number;
  /** Keys older than this are loaded again before the next use, in ms. Default 10 minutes. */
  readonly maxAgeMs?: number;
  /** The clock, in ms. Default `Date.now`. */
  readonly now?: () => number;
  /** Told about each failed load (the old keys stay in use). Default: nothing. */
  readonly onLoadError?: (error: unknown) => void;
}

/**
 * A JSON Web Key Set that follows key rotation: loaded when first needed,
 * loaded again when a token names a `kid` it does not hold or when it is
 * older than `maxAgeMs`, but never more than once per `refreshMs` and never
 * twice at once (callers share the load in flight). A failed load keeps the
 * keys it had; with none at all, tokens are refused with `keys_unavailable`.
 */
export class RefreshingKeySet {
  private keys: ReturnType<typeof createLocalJWKSet> | undefined;
  private loadedAt = Number.NEGATIVE_INFINITY;
  private attemptedAt = Number.NEGATIVE_INFINITY;
  private loading: Promise<void> | undefined;
  /** How many loads were started. */
  loads = 0;
  private readonly now: () => number;
  private readonly maxAgeMs: number;

  constructor(private readonly options: RefreshingKeySetOptions) {
    this.now = options.now ?? Date.now;
    this.maxAgeMs = options.maxAgeMs ?? 600_000;
  }

  /** Loads the keys now; throws when that fails (a start-up check). */
  async loadNow(): Promise<void> {
    this.attemptedAt = this.now();
    this.loads++;
    this.keys = createLocalJWKSet((await this.options.load()) as never);
    this.loadedAt = this.now();
  }

  /** The key a token's header names, for `jwtVerify`. */
  readonly resolve = async (
    header: CompactJWSHeaderParameters,
    token: FlattenedJWSInput,
  ): Promise<CryptoKey> => {
    if (this.keys === undefined || this.now() - this.loadedAt > this.maxAgeMs) await this.refresh();
    const keys = this.keys;
    if (keys === undefined) {
      throw new AuthFailure(
        "keys_unavailable",
        "the server could not load its token signing keys; try again later",
      );
    }
    try {
      return await keys(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || !this.mayLoad()) throw error;
      await this.refresh();
      if (this.keys === undefined || this.keys === keys) throw error;
      return await this.keys(header, token);
    }
  };

  private mayLoad(): boolean {
    return this.loading !== undefined || this.now() - this.attemptedAt >= this.options.refreshMs;
  }

  /**
   * Loads the keys unless a load ran less than `refreshMs` ago (then it
   * waits for the one in flight, if any); never throws.
   */
  async refresh(): Promise<void> {
    if (this.loading === undefined && this.mayLoad()) {
      this.loading = this.loadNow()
        .catch((error: unknown) => this.options.onLoadError?.(error))
        .finally(() => {
          this.loading = undefined;
        });
    }
    await this.loading;
  }
}
