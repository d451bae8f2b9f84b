import { LRUCache } from "lru-cache";
import { defaultPreferences, type UserPreferences } from "../domain/preferences.js";
import type { PreferenceRepository } from "../storage/repositories.js";

/** Options of a {@link PreferenceCache}. */
export interface PreferenceCacheOptions {
  /** How old a cached user's preferences may be, in ms. */
  readonly ttlMs: number;
  /** Users kept at most; the least recently used go first. */
  readonly maxUsers: number;
  /** The clock, in ms. */
  readonly now: () => number;
}

interface Cached {
  readonly preferences: UserPreferences;
  readonly loadedAt: number;
}

/**
 * Users' preferences for the create path, cached per user: a change made
 * through this instance applies at once (the entry is dropped on write), one
 * made through another instance within `ttlMs`. A time bound rather than
 * invalidation over the event bus: the bus has channels per user, which an
 * instance subscribes to only while that user has live streams, and without
 * Redis it reaches no other instance at all; a short bound works the same on
 * every deployment, as the rule cache does.
 */
export class PreferenceCache {
  private readonly entries: LRUCache<string, Cached>;
  private readonly loading = new Map<string, Promise<UserPreferences>>();
  // Bumped by invalidate(), so a load that started before a write does not cache what it read.
  private generation = 0;

  constructor(
    private readonly repository: PreferenceRepository,
    private readonly options: PreferenceCacheOptions,
  ) {
    this.entries = new LRUCache({ max: options.maxUsers });
  }

  /** The user's preferences, the defaults when never set; concurrent callers share one read. */
  get(username: string): Promise<UserPreferences> {
    const cached = this.entries.get(username);
    if (cached && this.options.now() - cached.loadedAt < this.options.ttlMs) {
      return Promise.resolve(cached.preferences);
    }
    const pending = this.loading.get(username);
    if (pending) return pending;
    const load: Promise<UserPreferences> = this.load(username).finally(() => {
      if (this.loading.get(username) === load) this.loading.delete(username);
    });
    this.loading.set(username, load);
    return load;
  }

  /** Forgets the user's cached preferences (after this instance changed them). */
  invalidate(username: string): void {
    this.generation++;
    this.entries.delete(username);
    this.loading.delete(username);
  }

  private async load(username: string): Promise<UserPreferences> {
    const loadedAt = this.options.now();
    const generation = this.generation;
    const preferences = (await this.repository.read(username)) ?? defaultPreferences;
    if (generation === this.generation) this.entries.set(username, { preferences, loadedAt });
    return preferences;
  }
}
