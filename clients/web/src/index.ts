export { defineNotificationInbox } from "./define-element.js";
export {
  type NotificationClickDetail,
  NotificationInboxElement,
} from "./notification-inbox.js";
export type { TokenProvider } from "./token-source.js";
