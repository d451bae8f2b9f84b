import type { IdempotencyMark, StoredNotification } from "./notification.js";

// Idempotent create (contract §9.1) as rules over a user's stored
// notifications. The stored copy carries the create's idempotency key, so no
// separate record is kept: a create whose key a copy within the window
// already carries writes nothing; and when instances race one key through
// different Riak nodes, the merge keeps one copy, the same one everywhere
// (the least id), and tombstones the others, so every later retry finds it.

/** The default window (contract §9.1: 24 hours), in ms. */
export const defaultIdempotencyWindowMs = 86_400_000;

/**
 * The stored key of a producer's idempotency key. Producer keys and the keys
 * jobs use for their recipients live apart, so neither can answer for the other.
 */
export function producerIdempotencyKey(key: string): string {
  return `p:${key}`;
}

/** The stored key of a job's copy for one recipient: the job and its run. */
export function jobIdempotencyKey(jobId: string, run: number): string {
  return `j:${jobId}:${run}`;
}

/** What a create with an idempotency key came to, once its write is acknowledged. */
export type IdempotentOutcome =
  /** Its own notification is stored. */
  | { readonly kind: "created" }
  /** An earlier create with the same key and request made `notification`. */
  | { readonly kind: "replayed"; readonly notification: StoredNotification }
  /** The key was used within the window for a different request. */
  | { readonly kind: "conflict"; readonly notification: StoredNotification };

/**
 * The copy within the window (created at or after `since`, in ms) that
 * carries the key; undefined when none does.
 */
export function findByIdempotencyKey(
  notifications: readonly StoredNotification[],
  key: string,
  since: number,
): StoredNotification | undefined {
  let found: StoredNotification | undefined;
  for (const n of notifications) {
    if (n.idempotency?.key !== key || n.createdAt < since) continue;
    // Several can only stand before a merge collapsed them: the least id is the one kept.
    if (!found || n.id < found.id) found = n;
  }
  return found;
}

/**
 * What became of `mine` (a create carrying `mark`), read from the list its
 * write stored. A copy with the key but another id answers for it: a replay
 * when the requests match, else a conflict. No copy at all (retention or a
 * delete-all took it at once) counts as created: its write happened.
 */
export function idempotentOutcome(
  stored: readonly StoredNotification[],
  mine: StoredNotification & { readonly idempotency: IdempotencyMark },
  since: number,
): IdempotentOutcome {
  const found = findByIdempotencyKey(stored, mine.idempotency.key, since);
  if (!found || found.id === mine.id) return { kind: "created" };
  if (found.idempotency?.fingerprint === mine.idempotency.fingerprint) {
    return { kind: "replayed", notification: found };
  }
  return { kind: "conflict", notification: found };
}

/**
 * The ids that lose to another copy with the same idempotency key: of copies
 * created less than `windowMs` apart, every one but the least id. The result
 * depends only on the set of notifications given (not on order or grouping),
 * and the losers are tombstoned, so that whichever instance merges whichever
 * siblings, the same copy is kept.
 */
export function idempotencyLosers(
  notifications: Iterable<StoredNotification>,
  windowMs: number,
): string[] {
  const byKey = new Map<string, StoredNotification[]>();
  for (const n of notifications) {
    const key = n.idempotency?.key;
    if (key === undefined) continue;
    const group = byKey.get(key);
    if (group) group.push(n);
    else byKey.set(key, [n]);
  }
  const losers: string[] = [];
  for (const group of byKey.values()) {
    if (group.length < 2) continue;
    group.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (let i = 1; i < group.length; i++) {
      const n = group[i] as StoredNotification;
      const earlier = group.slice(0, i);
      if (earlier.some((m) => Math.abs(n.createdAt - m.createdAt) < windowMs)) losers.push(n.id);
    }
  }
  return losers;
}

/**
 * True when an add of `notification` must write nothing: it carries an
 * idempotency key that a copy in `existing`, created at or after `since`,
 * carries already.
 */
export function isRepeatedCreate(
  existing: Iterable<StoredNotification>,
  notification: StoredNotification,
  since: number,
): boolean {
  const key = notification.idempotency?.key;
  if (key === undefined) return false;
  for (const n of existing) {
    if (n.id !== notification.id && n.idempotency?.key === key && n.createdAt >= since) return true;
  }
  return false;
}
