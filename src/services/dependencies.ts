import type { UnsubscribeTokens } from "../auth/unsubscribe-token.js";
import type { IdGenerator } from "../domain/ids.js";
import type { Repositories } from "../storage/repositories.js";
import type { EventBus } from "../streams/event-bus.js";
import type { PreferenceCache } from "./preference-cache.js";
import type { RuleCache } from "./rule-cache.js";

/** What the services need, injected so they run against any store and clock. */
export interface ServiceDependencies {
  readonly repositories: Repositories;
  readonly rules: RuleCache;
  /** Users' preferences for the create path (cached). */
  readonly preferences: PreferenceCache;
  /** Categories no user can mute (`preferences.critical_categories`). */
  readonly criticalCategories: ReadonlySet<string>;
  /** Checks unsubscribe links' tokens; undefined when no secret is configured. */
  readonly unsubscribeTokens: UnsubscribeTokens | undefined;
  readonly newId: IdGenerator;
  /** Where stored changes are published for live streams. */
  readonly events: EventBus;
  /** Milliseconds since the Unix epoch. */
  readonly now: () => number;
  /**
   * Told when reading a delete-all's result back for its event fails: the
   * delete stands, and the event carries the issued bound instead.
   */
  readonly onReadBackFailed: (error: unknown) => void;
}
