import { mapLimit } from "../concurrency/map-limit.js";
import { findByIdempotencyKey, idempotentOutcome } from "../domain/idempotency.js";
import type { IdempotencyMark, StoredNotification } from "../domain/notification.js";
import type { NotificationContent } from "../domain/notification-content.js";
import { checkUsername } from "../domain/validation.js";
import { ValidationError } from "../domain/validation-error.js";
import { isSuppressed } from "./delivery-check.js";
import type { ServiceDependencies } from "./dependencies.js";

/** One notification's content for some users. */
export interface Delivery {
  /** The recipients, in the caller's order; a name may repeat (it gets one copy). */
  readonly usernames: readonly string[];
  /** Checked by the caller. */
  readonly content: NotificationContent;
  /** Makes each user's copy idempotent (contract §9.1): the scoped key and the request's fingerprint. */
  readonly idempotency?: IdempotencyMark;
  /** How an error names the recipient at `index`: `username`, or `usernames[3]`. */
  readonly usernameField: (index: number) => string;
  /** False when the caller wrote the users to the key index already (a job's batch). Default true. */
  readonly indexKey?: boolean;
}

/** What one recipient got. */
export type DeliveryResult =
  /** A new copy, stored and published to the user's live streams. */
  | { readonly kind: "created"; readonly notification: StoredNotification }
  /** An earlier create with the same idempotency key made this copy; nothing was written. */
  | { readonly kind: "replayed"; readonly notification: StoredNotification }
  /** The user muted the category: nothing stored or streamed. */
  | { readonly kind: "suppressed" }
  /** This recipient got nothing: a bad username, a reused idempotency key, storage. */
  | { readonly kind: "failed"; readonly error: unknown };

/**
 * The one way a notification is created, whoever asks (CreateNotification,
 * CreateNotifications, a topic's job): for each user, unless the user muted
 * the category (`suppressed`, nothing stored or streamed), an idempotent add to
 * the user's list (one read-modify-write: a copy with the same idempotency
 * key within the window makes it write nothing and answer that copy), then
 * the event to the user's live streams. With a key, the users are first
 * added to the key index, so that no copy exists that a change by key could
 * miss. Users are written `producers.concurrency` at a time; each gets its
 * own result, in the order of `usernames`, and one user's failure is its own.
 */
export async function deliver(
  deps: ServiceDependencies,
  delivery: Delivery,
): Promise<DeliveryResult[]> {
  const { usernames, content } = delivery;
  const results: (DeliveryResult | undefined)[] = usernames.map((username, index) => {
    try {
      checkUsername(username, delivery.usernameField(index));
      return undefined;
    } catch (error) {
      return { kind: "failed", error };
    }
  });
  // One copy per user, however often the request names it.
  const users = [...new Set(usernames.filter((_, i) => results[i] === undefined))];
  const byUser = new Map<string, DeliveryResult>();
  try {
    if (content.key !== "" && delivery.indexKey !== false && users.length > 0) {
      await deps.repositories.keyIndex.add(content.key, users);
    }
    await mapLimit(users, deps.producers.concurrency, async (username) => {
      byUser.set(username, await deliverOne(deps, username, delivery).catch(failed));
    });
  } catch (error) {
    for (const username of users) if (!byUser.has(username)) byUser.set(username, failed(error));
  }
  return usernames.map(
    (username, i) => results[i] ?? byUser.get(username) ?? failed(new Error("not delivered")),
  );
}

async function deliverOne(
  deps: ServiceDependencies,
  username: string,
  { content, idempotency }: Delivery,
): Promise<DeliveryResult> {
  // A muted category is neither stored nor streamed for this user.
  if (await isSuppressed(deps, username, content.category)) return { kind: "suppressed" };
  const createdAt = deps.now();
  const notification: StoredNotification = {
    id: deps.newId(),
    category: content.category,
    message: content.message,
    createdAt,
    properties: { ...content.properties },
    ...(content.key !== "" && { key: content.key }),
    ...(idempotency && { idempotency }),
  };
  const since = createdAt - deps.producers.idempotencyWindowMs;
  const { inboxes } = deps.repositories;
  const stored = await inboxes.change(username, { kind: "add", notification, since });
  if (idempotency) {
    const mine = { ...notification, idempotency };
    let outcome = idempotentOutcome(stored.notifications, mine, since);
    // A copy sealed into a segment within the window is not in the head: look there too.
    if (outcome.kind === "created" && stored.segments.some((ref) => ref.maxCreatedAt >= since)) {
      const sealed = await sealedCopy(deps, username, mine, since);
      if (sealed) {
        // This create repeats one sealed before it: its own copy is taken back.
        await inboxes.change(username, { kind: "delete", ids: [notification.id] });
        outcome = idempotentOutcome([sealed], mine, since);
      }
    }
    if (outcome.kind === "replayed") return outcome;
    if (outcome.kind === "conflict") {
      throw new ValidationError(
        "idempotency_key",
        `idempotency_key was used within the idempotency window for a different notification (notification ${outcome.notification.id}): a retry must send the same category, message, properties and key; use a new idempotency key for a new notification`,
      );
    }
  }
  // Published only once storage acknowledged it; bounded, never throws.
  await deps.events.publish(username, { kind: "created", notification });
  return { kind: "created", notification };
}

/**
 * An earlier copy with `mine`'s idempotency key created at or after `since`,
 * among what the user's segments hold: the newest segments are read until
 * the rest is older than the window.
 */
async function sealedCopy(
  deps: ServiceDependencies,
  username: string,
  mine: StoredNotification & { readonly idempotency: IdempotencyMark },
  since: number,
): Promise<StoredNotification | undefined> {
  const inbox = await deps.repositories.inboxes.read(username);
  for (;;) {
    const { notifications, rest } = inbox.known();
    if (!rest || rest.maxCreatedAt < since || !(await inbox.extend())) {
      const others = notifications.filter((n) => n.id !== mine.id);
      return findByIdempotencyKey(others, mine.idempotency.key, since);
    }
  }
}

function failed(error: unknown): DeliveryResult {
  return { kind: "failed", error };
}
