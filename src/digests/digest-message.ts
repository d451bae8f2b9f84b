import type { InboxItem } from "../domain/notification.js";
import type { DigestTemplates } from "./digest-templates.js";

/** What one digest says, before templates make it text. */
export interface DigestContent {
  readonly username: string;
  readonly address: string;
  readonly frequency: "daily" | "weekly";
  /** The period, the local date it was due (`YYYY-MM-DD`). */
  readonly period: string;
  /** The user's time zone, for the times shown. */
  readonly timeZone: string;
  /** Rolled up, newest first. */
  readonly items: readonly InboxItem[];
  /** Items listed at most; the rest are counted. */
  readonly maxItems: number;
  readonly inboxUrl: string;
  readonly unsubscribeUrl: string;
}

/** A digest's subject and bodies. */
export interface RenderedDigest {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/**
 * Renders a digest with the templates. The view they see (README, "Email
 * digests"): `username`, `address`, `frequency`, `period`, `summary` ("3 new
 * notifications"), `count` (notifications, rolled-up ones included),
 * `items` (each with `message`, `category`, `time` in the user's zone,
 * `created_at` in UTC, `others`: how many it rolls up, and `children`),
 * `more` (items not listed), `inbox_url` and `unsubscribe_url`.
 */
export function renderDigest(templates: DigestTemplates, content: DigestContent): RenderedDigest {
  const time = timeFormat(content.timeZone);
  const count = content.items.reduce((sum, item) => sum + 1 + item.children.length, 0);
  const view = {
    username: content.username,
    address: content.address,
    frequency: content.frequency,
    period: content.period,
    count,
    summary: `${count} new notification${count === 1 ? "" : "s"}`,
    items: content.items.slice(0, content.maxItems).map((item) => ({
      ...itemView(item, time),
      others: item.children.length,
      children: item.children.map((child) => itemView(child, time)),
    })),
    more: Math.max(0, content.items.length - content.maxItems),
    inbox_url: content.inboxUrl,
    unsubscribe_url: content.unsubscribeUrl,
  };
  return {
    // One line: a template's line breaks must not reach the header.
    subject: templates.subject(view).replace(/\s+/g, " ").trim(),
    text: templates.text(view),
    html: templates.html(view),
  };
}

function itemView(item: InboxItem, time: Intl.DateTimeFormat) {
  return {
    message: item.message,
    category: item.category,
    properties: item.properties,
    time: time.format(item.createdAt),
    created_at: new Date(item.createdAt).toISOString(),
  };
}

function timeFormat(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
}
