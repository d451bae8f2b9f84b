/** A notification as stored: no unseen flag, no rollup. */
export interface StoredNotification {
  /** A canonical KSUID; the sort and dedupe key. */
  readonly id: string;
  readonly category: string;
  readonly message: string;
  /** Milliseconds since the Unix epoch. */
  readonly createdAt: number;
  readonly properties: Readonly<Record<string, string>>;
  /** The producer's name for it, shared by every user's copy (contract §9.2); absent: none. */
  readonly key?: string;
  /** The create's idempotency key and request fingerprint (contract §9.1); absent: none. */
  readonly idempotency?: IdempotencyMark;
}

/**
 * What makes a create idempotent: its scoped key (see `idempotency.ts`) and a
 * fingerprint of what it asked for, so that a retry can be told from a reuse
 * of the key for something else.
 */
export interface IdempotencyMark {
  readonly key: string;
  readonly fingerprint: string;
}

/** A notification as a user sees it: flagged, and heading its rollup group. */
export interface InboxItem extends StoredNotification {
  readonly unseen: boolean;
  /** Read by the user; a rollup head is read only when every member of its group is. */
  readonly read: boolean;
  /** In the archive view; the members of a group share it. */
  readonly archived: boolean;
  /** The other members of the rollup this item heads, newest first; empty when alone. */
  readonly children: readonly InboxItem[];
}

/** Orders ids newest first. Ids are compared as plain strings (contract §4.1). */
export function newestFirst(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
