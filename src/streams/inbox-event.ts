import type { StoredNotification } from "../domain/notification.js";

/**
 * A change to one user's inbox, as published after storage acknowledged it
 * and delivered to that user's live subscribers.
 */
export type InboxEvent =
  | { readonly kind: "created"; readonly notification: StoredNotification }
  | { readonly kind: "deleted"; readonly ids: readonly string[] }
  /** A delete-all: every notification with an id up to `upTo` is gone, and those in `ids`. */
  | { readonly kind: "cleared"; readonly upTo: string; readonly ids: readonly string[] };
