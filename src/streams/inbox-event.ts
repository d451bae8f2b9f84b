import type { StateFlag } from "../domain/inbox-state.js";
import type { StoredNotification } from "../domain/notification.js";
import type { NotificationFilter } from "../domain/notification-filter.js";

/**
 * A change to one user's inbox, as published after storage acknowledged it
 * and delivered to that user's live subscribers.
 */
export type InboxEvent =
  | { readonly kind: "created"; readonly notification: StoredNotification }
  | { readonly kind: "deleted"; readonly ids: readonly string[] }
  /** A delete-all: every notification with an id up to `upTo` is gone, and those in `ids`. */
  | { readonly kind: "cleared"; readonly upTo: string; readonly ids: readonly string[] }
  /** Notifications marked read or unread, archived or unarchived, by id. */
  | {
      readonly kind: "marked";
      readonly flag: StateFlag;
      readonly ids: readonly string[];
      readonly value: boolean;
    }
  /** A mark-all: every notification up to `upTo` that matched `filter` is read (archived). */
  | {
      readonly kind: "marked-all";
      readonly flag: StateFlag;
      readonly upTo: string;
      readonly filter: NotificationFilter;
    }
  /** The seen cursor moved to `cursor`. */
  | { readonly kind: "seen"; readonly cursor: string }
  /** A notification's message or properties changed (an update by key); its id did not. */
  | { readonly kind: "updated"; readonly notification: StoredNotification }
  /** A live-only message to a topic the user subscribes to; never stored. */
  | {
      readonly kind: "broadcast";
      readonly topic: string;
      readonly category: string;
      readonly message: string;
      readonly properties: Readonly<Record<string, string>>;
      /** Milliseconds since the Unix epoch. */
      readonly sentAt: number;
    };
