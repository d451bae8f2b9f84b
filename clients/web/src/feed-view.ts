import { categoryLabel } from "./category-label.js";
import type { InboxGroup } from "./inbox-entry.js";
import type { InboxList } from "./inbox-list.js";
import type { InboxView } from "./inbox-view.js";
import { createItem, updateItem } from "./item-view.js";

/** The parts of the panel the feed renders into. */
export interface FeedParts {
  readonly root: ShadowRoot;
  readonly feed: HTMLElement;
  readonly empty: HTMLElement;
  readonly loading: HTMLElement;
  /** Below the last item: in view, the next page loads. */
  readonly sentinel: HTMLElement;
  readonly observer: IntersectionObserver;
  /** Where the focus goes when the last item leaves: the selected tab. */
  readonly tab: (archived: boolean) => HTMLElement;
  /** Holds the focus while the panel opens. */
  readonly panel: HTMLElement;
}

/**
 * The list of items in the panel, kept in step with a view's list by key, so
 * that an item that stays keeps its element and its focus. One item at a
 * time is in the tab order (roving focus, `activeKey`); when the focused item
 * leaves (archived, deleted), its neighbour takes the focus.
 */
export class FeedView {
  /** The item in the tab order. */
  activeKey = "";
  /** Focus the first item as soon as the list is there (the panel just opened). */
  focusFirst = false;
  // Items shown at the last render: a page that arrived re-arms the scroll observer.
  private shown = 0;

  constructor(private readonly parts: FeedParts) {}

  /** Renders `list` (of `view`), `setSize` items in all (-1: unknown). */
  render(
    list: InboxList,
    view: InboxView,
    loading: boolean,
    setSize: number,
    text: (group: InboxGroup) => string,
  ): void {
    const { feed } = this.parts;
    const groups = list.groups;
    feed.setAttribute("aria-busy", String(loading));
    if (!groups.some((g) => g.key === this.activeKey)) this.activeKey = groups[0]?.key ?? "";

    const articles = new Map<string, HTMLElement>();
    for (const article of feed.querySelectorAll<HTMLElement>("article")) {
      articles.set(article.dataset.key ?? "", article);
    }
    const focusedIndex = [...articles.values()].findIndex((a) => a.matches(":focus-within"));
    const now = Date.now();
    let previous: Element | null = null;
    groups.forEach((group, index) => {
      const article = articles.get(group.key) ?? createItem(group);
      articles.delete(group.key);
      updateItem(article, group, {
        text: text(group),
        now,
        archived: view.archived,
        active: group.key === this.activeKey,
        position: index + 1,
        setSize,
        categoryLabel: categoryLabel(group.members[0]?.category ?? ""),
      });
      const expected: Element | null = previous
        ? previous.nextElementSibling
        : feed.firstElementChild;
      if (expected !== article) feed.insertBefore(article, expected);
      previous = article;
    });
    // An empty feed is hidden (a feed holds articles); shown before anything in it takes focus.
    feed.hidden = groups.length === 0;
    let lostFocus = false;
    for (const gone of articles.values()) {
      lostFocus ||= gone.matches(":focus-within");
      gone.remove();
    }
    const items = feed.querySelectorAll<HTMLElement>("article");
    if (lostFocus) {
      const next = items[Math.min(Math.max(focusedIndex, 0), items.length - 1)];
      if (next) {
        this.activeKey = next.dataset.key ?? "";
        next.tabIndex = 0;
        next.focus();
      } else this.parts.tab(view.archived).focus();
    }
    if (this.focusFirst && !loading && !list.stale) {
      this.focusFirst = false;
      const focused = this.parts.root.activeElement;
      if (items[0] && (focused === null || focused === this.parts.panel)) items[0].focus();
    }
    if (!loading && groups.length !== this.shown) {
      // The observer reports changes only: when the end is still in view
      // after a page, observing afresh reports it again, and the next loads.
      this.parts.observer.unobserve(this.parts.sentinel);
      this.parts.observer.observe(this.parts.sentinel);
    }
    this.shown = groups.length;
    this.parts.empty.hidden = loading || groups.length > 0 || !list.listed;
    this.parts.empty.textContent = emptyText(view);
    this.parts.loading.hidden = !loading;
  }

  /** Shows nothing (no session). */
  clear(): void {
    this.parts.feed.replaceChildren();
    this.parts.loading.hidden = true;
    this.parts.empty.hidden = true;
  }
}

function emptyText(view: InboxView): string {
  if (view.archived) return "Nothing in the archive.";
  if (view.category !== "") return `Nothing in ${categoryLabel(view.category)}.`;
  return "You're all caught up.";
}
