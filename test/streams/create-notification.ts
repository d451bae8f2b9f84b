import type { Client } from "@connectrpc/connect";
import type {
  Notification,
  NotificationService,
} from "../../src/gen/notification/v1/notification_pb.js";

/** Creates a `like` notification for `username` and returns it as stored. */
export async function createNotification(
  client: Client<typeof NotificationService>,
  username: string,
  message = "hi",
  properties: Record<string, string> = {},
): Promise<Notification> {
  const { notification } = await client.createNotification({
    username,
    category: "like",
    message,
    properties,
  });
  if (!notification) throw new Error("CreateNotification answered without a notification");
  return notification;
}
