import { archiveIcon, unarchiveIcon } from "./icons.js";
import { type InboxGroup, isRead, isUnseen } from "./inbox-entry.js";
import { relativeTime } from "./relative-time.js";

/** What an item's rendering depends on beyond its group. */
export interface ItemContext {
  /** The line the group is shown with (the rollup's text). */
  readonly text: string;
  /** The clock, in ms since the Unix epoch, for relative times. */
  readonly now: number;
  /** The shown view is the archive: the item's button moves it back. */
  readonly archived: boolean;
  /** The item that is in the tab order (roving focus). */
  readonly active: boolean;
  /** Its position in the feed (1-based) and the feed's size (-1: unknown). */
  readonly position: number;
  readonly setSize: number;
  /** The category as people read it. */
  readonly categoryLabel: string;
}

/**
 * A new item: an `<article>` (the feed's children must be articles) holding
 * the unread dot, the message, the time and category, and the archive
 * button. Ids come from the group's key, a KSUID, unique in the shadow root.
 */
export function createItem(group: InboxGroup): HTMLElement {
  const article = document.createElement("article");
  article.className = "item";
  article.dataset.key = group.key;
  article.setAttribute("aria-labelledby", `m-${group.key}`);
  article.setAttribute("aria-describedby", `d-${group.key}`);
  const dot = element("span", "dot");
  dot.setAttribute("aria-hidden", "true");
  const body = element("div", "body");
  const message = element("p", "message");
  message.id = `m-${group.key}`;
  const meta = element("p", "meta");
  meta.id = `d-${group.key}`;
  const state = element("span", "sr-only state");
  const time = element("time", "time");
  const category = element("span", "category");
  meta.append(state, time, " · ", category);
  body.append(message, meta);
  const button = element("button", "icon-button action");
  button.setAttribute("type", "button");
  article.append(dot, body, button);
  return article;
}

/** Brings an item up to date with its group (texts, states, focusability). */
export function updateItem(article: HTMLElement, group: InboxGroup, context: ItemContext): void {
  const [head] = group.members;
  if (head === undefined) return;
  const read = isRead(group);
  const fresh = isUnseen(group);
  article.classList.toggle("unread", !read);
  article.classList.toggle("new", fresh);
  article.tabIndex = context.active ? 0 : -1;
  article.setAttribute("aria-posinset", String(context.position));
  article.setAttribute("aria-setsize", String(context.setSize));
  setText(article, ".message", context.text);
  setText(article, ".state", `${read ? "Read" : "Unread"}${fresh ? ", new" : ""}. `);
  const time = article.querySelector("time");
  if (time) {
    const at = new Date(head.createdAtMs);
    time.dateTime = at.toISOString();
    time.title = at.toLocaleString();
    time.textContent = relativeTime(head.createdAtMs, context.now);
  }
  setText(article, ".category", context.categoryLabel);
  const button = article.querySelector("button");
  if (button) {
    const label = `${context.archived ? "Move to inbox" : "Archive"}: ${context.text}`;
    if (button.getAttribute("aria-label") !== label) button.setAttribute("aria-label", label);
    const icon = context.archived ? unarchiveIcon : archiveIcon;
    if (button.dataset.icon !== String(context.archived)) {
      button.innerHTML = icon;
      button.dataset.icon = String(context.archived);
    }
    // Only the active item's button is in the tab order; arrows reach the others.
    button.tabIndex = context.active ? 0 : -1;
  }
}

function element(tag: string, className: string): HTMLElement {
  const node = document.createElement(tag);
  node.className = className;
  return node;
}

function setText(root: HTMLElement, selector: string, text: string): void {
  const node = root.querySelector(selector);
  if (node && node.textContent !== text) node.textContent = text;
}
