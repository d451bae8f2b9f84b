import type { SubscribeResponse } from "../gen/notification/v1/stream_pb.js";
import { FeedView } from "./feed-view.js";
import { renderChips, renderTabs } from "./filter-bar.js";
import { createInboxApi } from "./inbox-api.js";
import { type InboxGroup, idsOf, isRead } from "./inbox-entry.js";
import { InboxSession } from "./inbox-session.js";
import { readSettings } from "./inbox-settings.js";
import { inboxCss } from "./inbox-styles.js";
import { inboxTemplate } from "./inbox-template.js";
import { type InboxView, inboxView, viewKey } from "./inbox-view.js";
import { itemMove, tabMove } from "./key-moves.js";
import { groupText } from "./rollup-text.js";
import type { TokenProvider } from "./token-source.js";

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
  #open = false;
  #clock: ReturnType<typeof setInterval> | undefined;
  readonly #feed: FeedView;
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
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && this.#session?.open) {
          void this.#session.loadMore();
        }
      },
      { root: this.#$("scroller") },
    );
    observer.observe(this.#$("sentinel"));
    this.#feed = new FeedView({
      root: this.#root,
      feed: this.#$("feed"),
      empty: this.#$("empty"),
      loading: this.#$("loading"),
      sentinel: this.#$("sentinel"),
      observer,
      tab: (archived) => this.#$(archived ? "tab-archive" : "tab-inbox"),
      panel: this.#$("panel"),
    });
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
    this.#feed.focusFirst = true;
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
    this.#feed.activeKey = "";
    this.#setupError = "";
    this.#render();
    try {
      const settings = await readSettings(
        (name) => this.getAttribute(name),
        this.#tokenProvider,
        location,
      );
      if (generation !== this.#generation) return;
      const session = new InboxSession({
        api: createInboxApi(settings.baseUrl, settings.tokens),
        tokens: settings.tokens,
        username: settings.username,
        pageSize: settings.pageSize,
        ...(settings.categories && { categories: settings.categories }),
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
      if (article && article.dataset.key !== this.#feed.activeKey) {
        this.#feed.activeKey = article.dataset.key ?? "";
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
      const archived = tabMove(event.key, this.#view().archived);
      if (archived === undefined) return;
      event.preventDefault();
      this.#switchTab(archived);
      this.#$(archived ? "tab-archive" : "tab-inbox").focus();
      return;
    }
    const article = target.closest<HTMLElement>("article");
    if (!article) return;
    const articles = [...this.#$("feed").querySelectorAll<HTMLElement>("article")];
    const to = itemMove(event.key, articles.indexOf(article), articles.length);
    if (to !== undefined) {
      event.preventDefault();
      articles[to]?.focus();
      // At the last item, the next page is fetched (scrolling may not happen).
      if (to === articles.length - 1) void this.#session?.loadMore();
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
    this.#feed.activeKey = "";
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
      this.#feed.clear();
      (this.#$("mark-all") as HTMLButtonElement).disabled = true;
      return;
    }
    const view = session.view;
    const archive = session.viewCounts.get(viewKey({ archived: true, category: "" }));
    renderTabs(this.#root, view, counts?.unread ?? 0, archive?.total ?? 0);
    renderChips(this.#$("chips"), [...session.categories], view, (category) =>
      category === "" && !view.archived
        ? session.counts
        : session.viewCounts.get(viewKey({ archived: view.archived, category })),
    );
    const viewCounts =
      view.category === "" && !view.archived ? counts : session.viewCounts.get(viewKey(view));
    (this.#$("mark-all") as HTMLButtonElement).disabled =
      view.archived || (viewCounts !== undefined && viewCounts.unread === 0);
    this.#feed.render(
      session.list(view),
      view,
      session.isLoading(view),
      viewCounts?.total ?? -1,
      (group) => this.#text(group),
    );
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
