import { effectiveState } from "../domain/inbox-state.js";
import type { StoredNotification } from "../domain/notification.js";
import type { Repositories } from "../storage/repositories.js";

/** True for a notification a digest may carry: unread and not archived. */
export type OpenFilter = (notification: StoredNotification) => boolean;

/**
 * Which of the user's notifications are unread and not archived, as a
 * digest needs to know: the user's read and archived state (bucket
 * `states`), by id and by the watermarks of marks for all.
 */
export async function readOpenFilter(
  repositories: Repositories,
  username: string,
): Promise<OpenFilter> {
  const state = await repositories.states.read(username);
  return (notification) => {
    const { read, archived } = effectiveState(state, notification);
    return !read && !archived;
  };
}
