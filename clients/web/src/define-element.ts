import { NotificationInboxElement } from "./notification-inbox.js";

declare global {
  interface HTMLElementTagNameMap {
    "notification-inbox": NotificationInboxElement;
  }
}

/**
 * Registers the element as `name` (default `notification-inbox`, which
 * loading the module does by itself); a name already taken is left alone.
 */
export function defineNotificationInbox(name = "notification-inbox"): void {
  if (customElements.get(name)) return;
  // A subclass per extra name: one class cannot be registered twice.
  const element =
    name === "notification-inbox"
      ? NotificationInboxElement
      : class extends NotificationInboxElement {};
  customElements.define(name, element);
}

defineNotificationInbox();
