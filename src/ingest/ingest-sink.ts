import type {
  CreateNotificationRequest,
  CreateNotificationsRequest,
} from "../gen/notification/v1/notification_pb.js";

/**
 * What storing one user's notification came to: `created`; `replayed` when
 * an earlier create with the same idempotency key (an earlier delivery of
 * the same entry) had stored it, so nothing new was written; `suppressed`
 * when the user muted the category, so nothing was stored or streamed.
 */
export interface SinkOutcome {
  readonly kind: "created" | "replayed" | "suppressed";
}

/** What a fan-out did for one user that did not get a notification. */
export interface RecipientRejection {
  readonly username: string;
  /** What was wrong, naming the field (`username must be ...`). */
  readonly message: string;
}

/** What a fan-out came to: the users served, and those whose part was invalid. */
export interface FanOutOutcome {
  /** Users whose notification was stored by this call. */
  readonly stored: number;
  /** Users whose notification an earlier delivery had stored. */
  readonly replayed: number;
  /** Users who muted the category: nothing stored or streamed for them. */
  readonly suppressed: number;
  /** Users whose part was invalid: nothing was stored for them. */
  readonly rejected: readonly RecipientRejection[];
}

/**
 * Where ingested requests are stored: the service's own create path, so an
 * ingested notification is validated, stored, deduplicated by its
 * idempotency key and announced to live streams exactly as one created over
 * the API. Each method resolves once storage acknowledged the write, and
 * rejects with a `ValidationError` (naming the field) for bad input, with a
 * storage error (`StorageUnavailableError`, `StorageTimeoutError`) while
 * storage cannot be reached; in a fan-out, a user's invalid part is a
 * rejection in the outcome, an outage rejects the whole call.
 */
export interface IngestSink {
  /** Stores one notification; `request.idempotencyKey` is set. */
  create(request: CreateNotificationRequest): Promise<SinkOutcome>;
  /** Stores one notification per user; `request.idempotencyKey` is set. */
  createMany(request: CreateNotificationsRequest): Promise<FanOutOutcome>;
}
