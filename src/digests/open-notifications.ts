import type { StoredNotification } from "../domain/notification.js";
import type { Repositories } from "../storage/repositories.js";

/** True for a notification a digest may carry: unread and not archived. */
export type OpenFilter = (notification: StoredNotification) => boolean;

/**
 * Which of the user's notifications are unread and not archived, as a
 * digest needs to know. The one place digests read that state: stored
 * notifications carry no read or archived state until issue 14 lands, so
 * for now every one is open.
 */
export async function readOpenFilter(
  _repositories: Repositories,
  _username: string,
): Promise<OpenFilter> {
  return () => true;
}
