import type { UnsubscribeTokens } from "../auth/unsubscribe-token.js";
import type { IdGenerator } from "../domain/ids.js";
import type { Repositories } from "../storage/repositories.js";
import type { EventBus } from "../streams/event-bus.js";
import type { PreferenceCache } from "./preference-cache.js";
import type { RuleCache } from "./rule-cache.js";

/** How producers' calls behave (`config.producers`). */
export interface ProducerSettings {
  /** How long an idempotency key holds, in ms. */
  readonly idempotencyWindowMs: number;
  /** Recipients one fan-out or job batch writes at once. */
  readonly concurrency: number;
  /** The most subscribers one topic may have. */
  readonly topicMaxSubscribers: number;
  /** A change by key reaching at most this many users is done before the call answers. */
  readonly inlineJobMax: number;
}

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
  readonly producers: ProducerSettings;
  /**
   * Told when reading a delete-all's result back for its event fails: the
   * delete stands, and the event carries the issued bound instead.
   */
  readonly onReadBackFailed: (error: unknown) => void;
}
