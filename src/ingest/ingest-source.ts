/**
 * One entry taken from a broker: a create request published by a producer.
 * Either it carries the request's JSON text (`json`), or the source could
 * not find one in it (`unreadable` says why, naming what is missing).
 */
export type SourceEntry = SourceEntryBase &
  ({ readonly json: string } | { readonly unreadable: string });

/** What every entry carries, readable or not. */
export interface SourceEntryBase {
  /** The broker's id of the entry, unique in the source (Redis: the stream entry id). */
  readonly id: string;
  /**
   * The idempotency key of the creates the entry makes: derived from the id,
   * so it is the same on every delivery of the entry and a redelivery
   * creates nothing new.
   */
  readonly idempotencyKey: string;
  /** The entry as it arrived, as text, for a dead letter (Redis: its fields as a JSON object). */
  readonly original: string;
  /** When the broker took the entry, in ms since the Unix epoch; undefined when it cannot tell. */
  readonly enqueuedAt: number | undefined;
}

/** Entries a read or a claim returned. */
export interface SourceBatch {
  readonly entries: readonly SourceEntry[];
  /**
   * Entries that were delivered but are gone from the broker (trimmed or
   * deleted before anyone processed them); the source has acknowledged them.
   */
  readonly lost: number;
}

/** The broker's view of the consumer group, for metrics. */
export interface SourceStats {
  /** Entries no consumer of the group has read yet; undefined when the broker cannot tell. */
  readonly lag: number | undefined;
  /** Entries read by some consumer of the group and not yet acknowledged. */
  readonly pending: number;
}

/**
 * Where ingested create requests come from: a broker with a consumer group
 * that every service instance shares, so that each entry reaches one of
 * them, and acknowledgements, so that an entry is delivered again until it
 * is acknowledged. Redis Streams is the one implementation
 * ({@link RedisStreamSource}); the README says what Kafka or NATS would need.
 *
 * The consumer acknowledges an entry only after storage acknowledged what
 * it created, and dead-letters invalid ones; every method may reject when
 * the broker cannot be reached, and the consumer retries.
 */
export interface IngestSource {
  /** What is read, for the logs, e.g. `Redis stream "notifications" (group "g", consumer "c")`. */
  readonly description: string;
  /** Prepares reading, such as creating the consumer group when it is missing. */
  open(): Promise<void>;
  /**
   * Up to `max` entries no consumer has had yet (after a restart under the
   * same consumer name, first the ones this consumer held before), waiting
   * at most `waitMs` for one to arrive; none when none came.
   */
  read(max: number, waitMs: number): Promise<SourceBatch>;
  /**
   * Up to `max` entries that some consumer (a crashed one, one that released
   * them, or this one) has held unacknowledged for `idleMs` or more, now held
   * by this consumer. `more` says that further ones may be waiting.
   */
  claim(max: number, idleMs: number): Promise<SourceBatch & { readonly more: boolean }>;
  /** Acknowledges the entry: no consumer gets it again. */
  ack(entry: SourceEntry): Promise<void>;
  /**
   * Records a dead letter for the entry (its original, the error and the
   * idempotency key it used) and acknowledges the entry, both or neither.
   * Resolves false, writing nothing, when the entry was acknowledged
   * already (another consumer finished it): a dead letter is written once.
   */
  deadLetter(entry: SourceEntry, error: string): Promise<boolean>;
  /** Tells the broker that this consumer still works on these entries, so none is claimed. */
  renew(ids: readonly string[]): Promise<void>;
  /**
   * Gives up every entry this consumer holds, so that another consumer
   * claims them at once; resolves with how many there were.
   */
  releaseAll(): Promise<number>;
  /** The group's lag and pending entries. */
  stats(): Promise<SourceStats>;
  /** Ends a read that is waiting, at once (shutdown); later reads fail. */
  interrupt(): void;
  /** Closes the connections. */
  close(): Promise<void>;
}
