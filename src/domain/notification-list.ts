import type { StoredNotification } from "./notification.js";

/**
 * Every notification an inbox shows, with what deleted the others: how the
 * whole inbox reads once every segment is read (docs/storage.md). What
 * counts, filters and replays of state are computed over.
 */
export interface NotificationList {
  /** Newest first, no duplicates, none deleted, at most the retention. */
  readonly notifications: readonly StoredNotification[];
  /** Tombstones: ids deleted one by one. */
  readonly deletedIds: ReadonlySet<string>;
  /** Everything with an id at or below this was deleted by a delete-all; "" when never. */
  readonly clearedUpTo: string;
}
