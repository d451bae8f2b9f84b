import type { InboxItem, StoredNotification } from "../../src/domain/notification.js";

/** A stored notification with defaults for what a test does not care about. */
export function stored(id: string, fields: Partial<StoredNotification> = {}): StoredNotification {
  return {
    id,
    category: "new-follower",
    message: `message ${id}`,
    createdAt: Date.UTC(2015, 6, 17, 17, 43, 25),
    properties: {},
    ...fields,
  };
}

/** An inbox item (unseen, no children) built like `stored`. */
export function item(id: string, fields: Partial<InboxItem> = {}): InboxItem {
  return {
    ...stored(id, fields),
    unseen: true,
    read: false,
    archived: false,
    children: [],
    ...fields,
  };
}

/** Ids "1".."n", newest ("n") first, zero-padded to `width` so string order is numeric order. */
export function idsDescending(n: number, width = 1): string[] {
  return Array.from({ length: n }, (_, i) => String(n - i).padStart(width, "0"));
}

/** The shape of an inbox a test compares: head ids with their child ids. */
export function shape(items: readonly InboxItem[]): [string, string[]][] {
  return items.map((i) => [i.id, i.children.map((c) => c.id)]);
}
