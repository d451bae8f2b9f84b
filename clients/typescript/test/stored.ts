import type { Notification } from "../src/index.js";

/** The notification a create stored; fails the test when the create was suppressed. */
export async function stored(created: Promise<Notification | undefined>): Promise<Notification> {
  const notification = await created;
  if (!notification) throw new Error("the create was suppressed: nothing was stored");
  return notification;
}
