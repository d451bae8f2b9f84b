import type { SubscribeResponse } from "../gen/notification/v1/stream_pb.js";
import { createInboxApi } from "./inbox-api.js";
import { type InboxGroup, idsOf, isRead } from "./inbox-entry.js";
import { InboxSession } from "./inbox-session.js";
import { inboxCss } from "./inbox-styles.js";
import { inboxTemplate } from "./inbox-template.js";
import { type InboxView, inboxView, viewKey } from "./inbox-view.js";
import { createItem, updateItem } from "./item-view.js";
import { groupText } from "./rollup-text.js";
import { tokenClaims } from "./token-claims.js";
import { type TokenProvider, TokenSource } from "./token-source.js";

/** The `detail` of a `notification-click` event: the notification (or rollup) activated. */
export interface NotificationClickDetail {
  /** The head's id. */
  readonly id: string;
  /** Every id of the rollup, head first (one for a lone notification). */
  readonly ids: readonly string[];
  readonly category: string;
  /** The line shown (a rollup's text). */
  readonly text: string;
  /** The head's properties, such as a link the page may follow. */
  readonly properties: Readonly<Record<string, string>>;
}

// Shared by every instance: one parse of the stylesheet.
let sheet: CSSStyleSheet | undefined;

// Relative times are refreshed this often while the panel is open.
const clockMs = 30_000;

/**
 * `<notification-inbox>`: a bell with the live unseen badge and a panel with
 * the user's notifications, over the service's Connect API.
 *
 * Attributes: `service-url` (default: this page's origin), `user` (default:
 * the token's `sub` claim), `token` (a JWT; or set the `tokenProvider`
 * property to a function that returns one, asked again before each expires),
 * `theme` (`light`, `dark`; default: the system's), `categories` (the
 * category filters offered, comma-separated; default: those seen),
 * `page-size` (1 to 1000, default 20), `actor-property` (the property that
 * names who acted, for rollup lines; default `actor`), `align` (`start`: the
 * panel opens rightwards). It fires `notification-click` (bubbling, composed)
 * when the user opens a notification, and reflects its live feed in the
 * `status` attribute: `connecting`, `live`, `offline` (reconnecting) or
 * `failed` (an error the panel shows), for the page's own styling.
 */
export class NotificationInboxElement extends HTMLElement {
  static readonly observedAttributes = [
    "service-url",
    "user",
    "token",
    "categories",
    "page-size",
    "actor-property",
  ];

  readonly #root: ShadowRoot;
  #tokenProvider: TokenProvider | undefined;
  #session: InboxSession | undefined;
  // Why there is no session: a missing user, a bad attribute.
  #setupError = "";
  // Bumped by every restart, so that an earlier one still waiting gives up.
  #generation = 0;
  #renderQueued = false;
  #restartQueued = false;
  // The item in the tab order (roving focus), by key.
  #activeKey = "";
  #open = false;
  // Focus the first item once the list arrives (the panel was just opened).
  #focusFirst = false;
  #clock: ReturnType<typeof setInterval> | undefined;
  // Items shown at the last render: a page that arrived re-arms the scroll observer.
  #shown = 0;
  readonly #observer: IntersectionObserver;
  readonly #onOnline = () => this.#session?.online(true);
  readonly #onOffline = () => this.#session?.online(false);
  readonly #onOutside = (event: PointerEvent) => {
    if (this.#open && !event.composedPath().includes(this)) this.hide(false);
  };

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: "open" });
    sheet ??= makeSheet();
    this.#root.adoptedStyleSheets = [sheet];
    this.#root.innerHTML = inboxTemplate;
    this.#observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && this.#session?.open) {
          void this.#session.loadMore();
        }
      },
      { root: this.#$("scroller") },
    );
    this.#observer.observe(this.#$("sentinel"));
    this.#listen();
  }

  /** A function that returns a token (a JWT), asked when one is needed and before each expires. */
  get tokenProvider(): TokenProvider | undefined {
    return this.#tokenProvider;
  }

  set tokenProvider(provider: TokenProvider | undefined) {
    this.#tokenProvider = provider;
    this.#queueRestart();
  }

  /** Whether the panel is open. */
  get expanded(): boolean {
    return this.#open;
  }

  /** Opens the panel (which marks the inbox seen). */
  show(): void {
    this.#open = true;
    this.#focusFirst = true;
    void this.#session?.show();
    this.#scheduleClock(true);
    this.#render();
    this.#$("panel").focus();
  }

  /** Closes the panel; with `returnFocus` (the default) the bell takes the focus. */
  hide(returnFocus = true): void {
    this.#open = false;
    this.#session?.hide();
    this.#scheduleClock(false);
    this.#render();
    if (returnFocus) this.#$("bell").focus();
  }

  /** Opens the panel when it is closed, else closes it. */
  toggle(): void {
    if (this.#open) this.hide();
    else this.show();
  }

  connectedCallback(): void {
    window.addEventListener("online", this.#onOnline);
    window.addEventListener("offline", this.#onOffline);
    document.addEventListener("pointerdown", this.#onOutside);
    this.#queueRestart();
  }

  disconnectedCallback(): void {
    window.removeEventListener("online", this.#onOnline);
    window.removeEventListener("offline", this.#onOffline);
    document.removeEventListener("pointerdown", this.#onOutside);
    this.#generation += 1;
    this.#session?.stop();
    this.#session = undefined;
    this.#scheduleClock(false);
  }

  attributeChangedCallback(_name: string, before: string | null, after: string | null): void {
    if (before !== after && this.isConnected) this.#queueRestart();
  }

  // Several attributes set in one go make one restart.
  #queueRestart(): void {
    if (this.#restartQueued) return;
    this.#restartQueued = true;
    queueMicrotask(() => {
      this.#restartQueued = false;
      if (this.isConnected) void this.#restart();
    });
  }

  async #restart(): Promise<void> {
    const generation = ++this.#generation;
    this.#session?.stop();
    this.#session = undefined;
    this.#activeKey = "";
    this.#setupError = "";
    this.#render();
    try {
      const tokens = new TokenSource({
        ...(this.getAttribute("token") && { token: this.getAttribute("token") ?? "" }),
        ...(this.#tokenProvider && { provider: this.#tokenProvider }),
      });
      const baseUrl = this.#serviceUrl();
      const pageSize = this.#pageSize();
      const username = await this.#username(tokens);
      if (generation !== this.#generation) return;
      const categories = this.getAttribute("categories");
      const session = new InboxSession({
        api: createInboxApi(baseUrl, tokens),
        tokens,
        username,
        pageSize,
        ...(categories !== null && {
          categories: categories
            .split(",")
            .map((c) => c.trim())
            .filter((c) => c !== ""),
        }),
        onChange: () => this.#queueRender(),
        onEvent: (event) => this.#announce(event),
      });
      this.#session = session;
      session.start();
      if (this.#open) void session.show();
    } catch (error) {
      if (generation !== this.#generation) return;
      this.#setupError = error instanceof Error ? error.message : String(error);
    }
    this.#render();
  }

  #serviceUrl(): string {
    const value = this.getAttribute("service-url") ?? "";
    if (value === "") return location.origin;
    if (!URL.canParse(value, location.href)) {
      throw new Error(
        `service-url must be a URL such as https://inbox.example.com (got "${value}")`,
      );
    }
    const url = new URL(value, location.href);
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new Error(`service-url must be an http:// or https:// URL (got "${value}")`);
    }
    return url.href.replace(/\/$/, "");
  }

  #pageSize(): number {
    const value = this.getAttribute("page-size");
    if (value === null || value === "") return 20;
    const size = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
    if (size >= 1 && size <= 1000) return size;
    throw new Error(`page-size must be a whole number from 1 to 1000 (got "${value}")`);
  }

  // The user attribute, else the token's sub claim.
  async #username(tokens: TokenSource): Promise<string> {
    const user = this.getAttribute("user") ?? "";
    if (user !== "") return user;
    const token = await tokens.current().catch((error: unknown) => {
      throw new Error(
        `the token provider failed: ${error instanceof Error ? error.message : error}`,
      );
    });
    const sub = token === undefined ? undefined : tokenClaims(token)?.sub;
    if (typeof sub === "string" && sub !== "") return sub;
    throw new Error(
      token === undefined
        ? "no user: set the user attribute (or a token whose sub claim names the user)"
        : "no user: the token has no sub claim naming the user; set the user attribute",
    );
  }

  #listen(): void {
    this.#$("bell").addEventListener("click", () => this.toggle());
    this.#$("close").addEventListener("click", () => this.hide());
    this.#$("mark-all").addEventListener("click", () => void this.#session?.markAllRead());
    this.#$("dismiss").addEventListener("click", () => {
      this.#setupError = "";
      this.#session?.clearError();
      this.#render();
    });
    this.#$("tab-inbox").addEventListener("click", () => this.#switchTab(false));
    this.#$("tab-archive").addEventListener("click", () => this.#switchTab(true));
    this.#$("chips").addEventListener("click", (event) => {
      const chip = (event.target as Element).closest<HTMLElement>(".chip");
      if (chip) this.#showView({ ...this.#view(), category: chip.dataset.category ?? "" });
    });
    this.#$("feed").addEventListener("click", (event) => {
      const target = event.target as Element;
      const article = target.closest<HTMLElement>("article");
      const group = article && this.#groupOf(article);
      if (!group || !article) return;
      if (target.closest(".action")) void this.#session?.archive(group, !this.#view().archived);
      else this.#activate(group);
    });
    this.#$("feed").addEventListener("focusin", (event) => {
      const article = (event.target as Element).closest<HTMLElement>("article");
      if (article && article.dataset.key !== this.#activeKey) {
        this.#activeKey = article.dataset.key ?? "";
        this.#render();
      }
    });
    this.#root.addEventListener("keydown", (event) => this.#onKey(event as KeyboardEvent));
  }

  #onKey(event: KeyboardEvent): void {
    const target = event.target as HTMLElement;
    if (event.key === "Escape" && this.#open) {
      event.preventDefault();
      this.hide();
      return;
    }
    if (target.getAttribute("role") === "tab") {
      const moves: Record<string, boolean> = {
        ArrowLeft: false,
        ArrowRight: true,
        Home: false,
        End: true,
      };
      const archived = moves[event.key];
      if (archived === undefined) return;
      event.preventDefault();
      this.#switchTab(event.key.startsWith("Arrow") ? !this.#view().archived : archived);
      this.#$(this.#view().archived ? "tab-archive" : "tab-inbox").focus();
      return;
    }
    const article = target.closest<HTMLElement>("article");
    if (!article) return;
    const articles = [...this.#$("feed").querySelectorAll<HTMLElement>("article")];
    const index = articles.indexOf(article);
    const step: Record<string, number> = {
      ArrowDown: 1,
      PageDown: 1,
      ArrowUp: -1,
      PageUp: -1,
      Home: -index,
      End: articles.length - 1 - index,
    };
    const by = step[event.key];
    if (by !== undefined) {
      event.preventDefault();
      const next = articles[Math.max(0, Math.min(articles.length - 1, index + by))];
      next?.focus();
      if (by > 0 && next === articles.at(-1)) void this.#session?.loadMore();
      return;
    }
    if ((event.key === "Enter" || event.key === " ") && target === article) {
      event.preventDefault();
      const group = this.#groupOf(article);
      if (group) this.#activate(group);
    }
  }

  #activate(group: InboxGroup): void {
    const [head] = group.members;
    if (!head) return;
    if (!isRead(group)) void this.#session?.markRead(group);
    const detail: NotificationClickDetail = {
      id: head.id,
      ids: idsOf(group),
      category: head.category,
      text: this.#text(group),
      properties: head.properties,
    };
    this.dispatchEvent(
      new CustomEvent("notification-click", { detail, bubbles: true, composed: true }),
    );
  }

  #switchTab(archived: boolean): void {
    if (archived !== this.#view().archived) this.#showView({ archived, category: "" });
  }

  #showView(view: InboxView): void {
    if (!this.#session) return;
    this.#activeKey = "";
    this.#$("scroller").scrollTop = 0;
    void this.#session.show(view);
  }

  #view(): InboxView {
    return this.#session?.view ?? inboxView;
  }

  #groupOf(article: HTMLElement): InboxGroup | undefined {
    return this.#session?.list().groups.find((g) => g.key === article.dataset.key);
  }

  #text(group: InboxGroup): string {
    return groupText(group.members, this.getAttribute("actor-property") || "actor");
  }

  #announce(response: SubscribeResponse): void {
    if (response.event.case !== "notification") return;
    this.#$("announcer").textContent = `New notification: ${response.event.value.message}`;
  }

  #scheduleClock(on: boolean): void {
    clearInterval(this.#clock);
    this.#clock = on ? setInterval(() => this.#render(), clockMs) : undefined;
  }

  #queueRender(): void {
    if (this.#renderQueued) return;
    this.#renderQueued = true;
    queueMicrotask(() => {
      this.#renderQueued = false;
      this.#render();
    });
  }

  #render(): void {
    const session = this.#session;
    const open = this.#open;
    const counts = session?.counts;
    const unseen = counts?.unseen ?? 0;
    const offline = session?.status === "offline";
    const failed = session?.status === "failed" || this.#setupError !== "";
    const status = failed ? "failed" : (session?.status ?? "connecting");
    if (this.getAttribute("status") !== status) this.setAttribute("status", status);

    const bell = this.#$("bell");
    bell.setAttribute("aria-expanded", String(open));
    bell.classList.toggle("offline", offline);
    bell.setAttribute(
      "aria-label",
      `Notifications${unseen > 0 ? `, ${unseen} unseen` : ""}${
        offline ? " (offline, reconnecting)" : failed ? " (unavailable)" : ""
      }`,
    );
    const badge = this.#$("badge");
    badge.hidden = unseen === 0;
    badge.textContent = unseen > 99 ? "99+" : String(unseen);
    this.#$("offline-mark").hidden = !offline;
    this.#$("panel").hidden = !open;

    const statusLine = this.#$("status");
    statusLine.classList.toggle("offline", offline);
    statusLine.textContent = offline ? "Offline, reconnecting…" : "";

    const error = this.#setupError || session?.error || "";
    this.#$("alert").hidden = error === "";
    this.#$("alert-text").textContent = error;

    if (!session) {
      this.#$("feed").replaceChildren();
      this.#$("loading").hidden = true;
      this.#$("empty").hidden = true;
      (this.#$("mark-all") as HTMLButtonElement).disabled = true;
      return;
    }
    const view = session.view;
    const archiveCounts = session.viewCounts.get(viewKey({ archived: true, category: "" }));
    this.#renderTabs(view, counts?.unread ?? 0, archiveCounts?.total ?? 0);
    this.#renderChips(session, view);
    const viewCounts =
      view.category === "" && !view.archived ? counts : session.viewCounts.get(viewKey(view));
    (this.#$("mark-all") as HTMLButtonElement).disabled =
      view.archived || (viewCounts !== undefined && viewCounts.unread === 0);
    this.#renderFeed(session, view, viewCounts?.total ?? -1);
  }

  #renderTabs(view: InboxView, unread: number, archived: number): void {
    const inbox = this.#$("tab-inbox");
    const archive = this.#$("tab-archive");
    inbox.setAttribute("aria-selected", String(!view.archived));
    archive.setAttribute("aria-selected", String(view.archived));
    inbox.tabIndex = view.archived ? -1 : 0;
    archive.tabIndex = view.archived ? 0 : -1;
    setCount(this.#$("count-inbox"), unread, "unread");
    setCount(this.#$("count-archive"), archived, "archived");
    const tab = view.archived ? "tab-archive" : "tab-inbox";
    this.#$("tabpanel").setAttribute("aria-labelledby", tab);
    this.#$("feed").setAttribute("aria-labelledby", tab);
  }

  #renderChips(session: InboxSession, view: InboxView): void {
    const chips = this.#$("chips");
    const categories = [...session.categories].sort();
    if (categories.length === 0) {
      chips.replaceChildren();
      return;
    }
    const wanted = ["", ...categories];
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
      const counts =
        category === "" && !view.archived
          ? session.counts
          : session.viewCounts.get(viewKey({ archived: view.archived, category }));
      const count = chip.querySelector<HTMLElement>(".count");
      if (count) {
        setCount(
          count,
          view.archived ? (counts?.total ?? 0) : (counts?.unread ?? 0),
          view.archived ? "" : "unread",
        );
      }
    }
  }

  #renderFeed(session: InboxSession, view: InboxView, setSize: number): void {
    const feed = this.#$("feed");
    const list = session.list(view);
    const groups = list.groups;
    const loading = session.isLoading(view);
    feed.setAttribute("aria-busy", String(loading));
    if (!groups.some((g) => g.key === this.#activeKey)) this.#activeKey = groups[0]?.key ?? "";

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
        text: this.#text(group),
        now,
        archived: view.archived,
        active: group.key === this.#activeKey,
        position: index + 1,
        setSize: Math.max(setSize, -1),
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
      // The focused item left (archived, deleted): its neighbour takes the focus.
      const next = items[Math.min(Math.max(focusedIndex, 0), items.length - 1)];
      if (next) {
        this.#activeKey = next.dataset.key ?? "";
        next.tabIndex = 0;
        next.focus();
      } else this.#$(view.archived ? "tab-archive" : "tab-inbox").focus();
    }
    if (this.#focusFirst && !loading && !list.stale) {
      this.#focusFirst = false;
      const inPanel = this.#root.activeElement;
      if (items[0] && (inPanel === null || inPanel === this.#$("panel"))) items[0].focus();
    }
    if (!loading && groups.length !== this.#shown) {
      // The observer reports changes only: when the end is still in view
      // after a page, observing afresh reports it again, and the next loads.
      this.#observer.unobserve(this.#$("sentinel"));
      this.#observer.observe(this.#$("sentinel"));
    }
    this.#shown = groups.length;
    const empty = this.#$("empty");
    empty.hidden = loading || groups.length > 0 || !list.listed;
    empty.textContent = emptyText(view);
    this.#$("loading").hidden = !loading;
  }

  #$(id: string): HTMLElement {
    const node = this.#root.getElementById(id);
    if (!node) throw new Error(`notification-inbox: no element #${id} in its template`);
    return node;
  }
}

function makeSheet(): CSSStyleSheet {
  const made = new CSSStyleSheet();
  made.replaceSync(inboxCss);
  return made;
}

// "new-follower" reads "New follower".
function categoryLabel(category: string): string {
  const words = category.replace(/[-_]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function emptyText(view: InboxView): string {
  if (view.archived) return "Nothing in the archive.";
  if (view.category !== "") return `Nothing in ${categoryLabel(view.category)}.`;
  return "You're all caught up.";
}

// A count shown beside a label, and read as "3 unread" by screen readers.
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
