import { categoryLabel } from "./category-label.js";
import type { Counts } from "./inbox-session.js";
import type { InboxView } from "./inbox-view.js";

/**
 * The Inbox and Archive tabs: which is selected (and in the tab order), the
 * Inbox's unread count and the Archive's size; the tab panel and the feed are
 * labelled by the selected tab.
 */
export function renderTabs(
  root: ShadowRoot,
  view: InboxView,
  inboxUnread: number,
  archived: number,
): void {
  const inbox = byId(root, "tab-inbox");
  const archive = byId(root, "tab-archive");
  inbox.setAttribute("aria-selected", String(!view.archived));
  archive.setAttribute("aria-selected", String(view.archived));
  inbox.tabIndex = view.archived ? -1 : 0;
  archive.tabIndex = view.archived ? 0 : -1;
  setCount(byId(root, "count-inbox"), inboxUnread, "unread");
  setCount(byId(root, "count-archive"), archived, "archived");
  const tab = view.archived ? "tab-archive" : "tab-inbox";
  byId(root, "tabpanel").setAttribute("aria-labelledby", tab);
  byId(root, "feed").setAttribute("aria-labelledby", tab);
}

/**
 * The category filters, "All" first: toggle buttons, the shown one pressed,
 * each with its count (unread in the inbox, all in the archive). The buttons
 * are made again only when the categories change, so focus stays put.
 */
export function renderChips(
  chips: HTMLElement,
  categories: readonly string[],
  view: InboxView,
  countsOf: (category: string) => Counts | undefined,
): void {
  if (categories.length === 0) {
    chips.replaceChildren();
    return;
  }
  const wanted = ["", ...[...categories].sort()];
  const present = [...chips.children].map((c) => (c as HTMLElement).dataset.category);
  if (present.join("\n") !== wanted.join("\n")) {
    chips.replaceChildren(
      ...wanted.map((category) => {
        const chip = document.createElement("button");
        chip.type = "button";
        chip.className = "chip";
        chip.dataset.category = category;
        const count = document.createElement("span");
        count.className = "count";
        chip.append(category === "" ? "All" : categoryLabel(category), count);
        return chip;
      }),
    );
  }
  for (const chip of chips.children as HTMLCollectionOf<HTMLElement>) {
    const category = chip.dataset.category ?? "";
    chip.setAttribute("aria-pressed", String(category === view.category));
    const counts = countsOf(category);
    const count = chip.querySelector<HTMLElement>(".count");
    if (!count) continue;
    if (view.archived) setCount(count, counts?.total ?? 0, "");
    else setCount(count, counts?.unread ?? 0, "unread");
  }
}

// A count beside a label, read as "3 unread" by screen readers; nothing for 0.
function setCount(node: HTMLElement, count: number, what: string): void {
  const text = count > 0 ? String(count) : "";
  if (node.dataset.count === text) return;
  node.dataset.count = text;
  node.replaceChildren();
  if (text === "") return;
  const hidden = document.createElement("span");
  hidden.className = "sr-only";
  hidden.textContent = what === "" ? "" : ` ${what}`;
  node.append(` ${text}`, hidden);
}

function byId(root: ShadowRoot, id: string): HTMLElement {
  const node = root.getElementById(id);
  if (!node) throw new Error(`notification-inbox: no element #${id} in its template`);
  return node;
}
