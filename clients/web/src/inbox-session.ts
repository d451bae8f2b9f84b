import { Code, ConnectError } from "@connectrpc/connect";
import type { SubscribeResponse } from "../gen/notification/v1/stream_pb.js";
import type { InboxApi } from "./inbox-api.js";
import { entryOf, groupOf, type InboxGroup, idsOf } from "./inbox-entry.js";
import { InboxList } from "./inbox-list.js";
import { type InboxView, inboxView, viewFilter, viewKey } from "./inbox-view.js";
import { type FeedStatus, LiveFeed } from "./live-feed.js";
import { isRetryable } from "./retry-policy.js";
import type { TokenSource } from "./token-source.js";

/** Top-level items of a view, and how many are unseen and unread. */
export interface Counts {
  readonly total: number;
  readonly unseen: number;
  readonly unread: number;
}

/** Options of an {@link InboxSession}. */
export interface InboxSessionOptions {
  readonly api: InboxApi;
  readonly tokens: TokenSource;
  readonly username: string;
  /** Top-level items per page. */
  readonly pageSize: number;
  /** The category filters offered; default: the categories of the notifications seen. */
  readonly categories?: readonly string[];
  /** Told after every change of what is shown. */
  readonly onChange: () => void;
  /** Told of every event the stream delivers (after it is applied). */
  readonly onEvent?: (event: SubscribeResponse) => void;
}

// Greater than every KSUID ("~" sorts after every base62 character).
const aboveEveryId = "~";

// Events arriving in a burst are answered by one listing, this long after the first.
const settleMs = 120;

/**
 * One user's inbox as the panel shows it: the badge's counts (kept by the
 * live feed's events, which carry them), the listed views (a tab and a
 * category each), the counts of the tabs and categories, the feed's status
 * and the last error. Actions change the lists at once and then call the
 * service; a failure is shown and the view is listed again. Everything the
 * stream says is applied to every listed view, so another device's change
 * shows at once.
 */
export class InboxSession {
  /** The inbox view's counts, from the stream; undefined until the first state. */
  counts: Counts | undefined;
  /** The counts of other views (the archive tab, categories), by view key. */
  readonly viewCounts = new Map<string, Counts>();
  /** The live feed's status. */
  status: FeedStatus = "connecting";
  /** What went wrong last, for the user; empty when nothing did. */
  error = "";
  // The error shown came from a lost connection (or was the stream's): it
  // goes when the stream is live again.
  private errorPasses = false;
  /** The view the panel shows. */
  view: InboxView = inboxView;
  /** Whether the panel is open: arrivals are then listed, and seen. */
  open = false;
  /** The category filters offered. */
  readonly categories = new Set<string>();

  private readonly lists = new Map<string, InboxList>();
  private readonly loading = new Set<string>();
  private readonly feed: LiveFeed;
  private settle: ReturnType<typeof setTimeout> | undefined;
  // Categories were added since the counts were last asked for.
  private uncounted = false;
  private stopped = false;

  constructor(private readonly options: InboxSessionOptions) {
    for (const category of options.categories ?? []) this.categories.add(category);
    this.feed = new LiveFeed({
      streams: options.api.streams,
      username: options.username,
      tokens: options.tokens,
      onEvent: (event) => this.apply(event),
      onStatus: (status, error) => {
        this.status = status;
        if (status === "failed" && error) {
          this.error = describe("Live updates stopped", error);
          this.errorPasses = false;
        }
        // Back online: what failed for want of a connection is retried by the
        // events that follow (the state recounts, stale lists are listed).
        if (status === "live" && this.errorPasses) this.error = "";
        this.options.onChange();
      },
    });
  }

  /** The list of `view`, made on first use. */
  list(view: InboxView = this.view): InboxList {
    const key = viewKey(view);
    let list = this.lists.get(key);
    if (list === undefined) {
      list = new InboxList(view);
      this.lists.set(key, list);
    }
    return list;
  }

  /** True while a page of `view` is being listed. */
  isLoading(view: InboxView = this.view): boolean {
    return this.loading.has(viewKey(view));
  }

  start(): void {
    this.feed.start();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.settle);
    this.feed.stop();
  }

  /** The browser's network came back, or went. */
  online(online: boolean): void {
    if (online) this.feed.reconnectNow();
    else this.feed.wentOffline();
  }

  /** Opens the panel on `view`: lists it when it was never listed or may lack something. */
  async show(view: InboxView = this.view): Promise<void> {
    this.view = view;
    this.open = true;
    this.options.onChange();
    const tasks = [this.refreshCounts()];
    if (this.list(view).stale) tasks.push(this.listFirstPage(view));
    await Promise.all(tasks);
    await this.markSeen();
  }

  /** The panel closed. */
  hide(): void {
    this.open = false;
    this.options.onChange();
  }

  /** Lists the next page of the shown view, when there is one and none is on its way. */
  async loadMore(): Promise<void> {
    const view = this.view;
    const list = this.list(view);
    const key = viewKey(view);
    if (list.nextPageToken === "" || this.loading.has(key)) return;
    await this.call("Could not load more notifications", key, async () => {
      const page = await this.options.api.notifications.listNotifications({
        username: this.options.username,
        pageSize: this.options.pageSize,
        pageToken: list.nextPageToken,
        filter: viewFilter(view),
      });
      list.appendPage(this.groupsOf(page.notifications), page.nextPageToken);
    });
    await this.countNewCategories();
  }

  /** Marks a group read (every member): shown at once, then stored. */
  async markRead(group: InboxGroup): Promise<void> {
    const unread = group.members.filter((m) => !m.read).map((m) => m.id);
    if (unread.length === 0) return;
    this.everyList((list) => list.setRead(unread, true));
    await this.call("Could not mark it read", undefined, async () => {
      try {
        await this.options.api.notifications.markNotificationsRead({
          username: this.options.username,
          ids: unread,
        });
      } catch (error) {
        this.everyList((list) => list.setRead(unread, false));
        throw error;
      }
    });
  }

  /** Marks every notification of the shown view read. */
  async markAllRead(): Promise<void> {
    const view = this.view;
    this.everyList((list) => list.readAll(aboveEveryId, viewFilter(view)));
    await this.call("Could not mark all read", undefined, async () => {
      try {
        await this.options.api.notifications.markNotificationsRead({
          username: this.options.username,
          all: true,
          filter: viewFilter(view),
        });
      } catch (error) {
        this.relist();
        throw error;
      }
    });
  }

  /** Moves a group to the archive, or with `archived` false back to the inbox. */
  async archive(group: InboxGroup, archived = true): Promise<void> {
    const ids = idsOf(group);
    this.everyList((list) => list.setArchived(ids, archived));
    const what = archived ? "Could not archive it" : "Could not move it back to the inbox";
    await this.call(what, undefined, async () => {
      const request = { username: this.options.username, ids };
      try {
        if (archived) await this.options.api.notifications.archiveNotifications(request);
        else await this.options.api.notifications.unarchiveNotifications(request);
      } catch (error) {
        this.relist();
        throw error;
      }
    });
  }

  /** Dismisses the error shown. */
  clearError(): void {
    this.error = "";
    this.options.onChange();
  }

  // Opening the panel shows everything up to the newest notification known.
  private async markSeen(): Promise<void> {
    const upTo = this.feed.after;
    if (!this.open || (this.counts?.unseen ?? 0) === 0 || !/^[0-9A-Za-z]{27}$/.test(upTo)) return;
    if (this.counts) this.counts = { ...this.counts, unseen: 0 };
    this.options.onChange();
    await this.call("Could not mark the inbox seen", undefined, async () => {
      await this.options.api.notifications.markNotificationsSeen({
        username: this.options.username,
        upTo,
      });
    });
  }

  private async listFirstPage(view: InboxView): Promise<void> {
    const list = this.list(view);
    const requestedAt = list.staleMark;
    await this.call("Could not load your notifications", viewKey(view), async () => {
      const page = await this.options.api.notifications.listNotifications({
        username: this.options.username,
        pageSize: this.options.pageSize,
        filter: viewFilter(view),
      });
      list.replaceFirstPage(this.groupsOf(page.notifications), page.nextPageToken, requestedAt);
    });
    await this.countNewCategories();
    // Something arrived while the page was on its way: list once more.
    if (list.stale && this.open) this.afterChange();
  }

  // The archive tab's and the categories' counts; the inbox's come with the stream.
  private async refreshCounts(): Promise<void> {
    this.uncounted = false;
    const views: InboxView[] = [{ archived: true, category: "" }];
    for (const category of this.categories) {
      views.push({ archived: this.view.archived, category });
    }
    await this.call("Could not count your notifications", undefined, async () => {
      const answers = await Promise.all(
        views.map((view) =>
          this.options.api.notifications.countNotifications({
            username: this.options.username,
            filter: viewFilter(view),
          }),
        ),
      );
      views.forEach((view, i) => {
        const { total = 0, unseen = 0, unread = 0 } = answers[i] ?? {};
        this.viewCounts.set(viewKey(view), { total, unseen, unread });
      });
    });
  }

  private apply(response: SubscribeResponse): void {
    const { event, counts } = response;
    switch (event.case) {
      case "state": {
        const s = event.value;
        this.counts = { total: s.totalCount, unseen: s.unseenCount, unread: s.unreadCount };
        if (s.resync) this.staleAll();
        break;
      }
      case "notification": {
        const entry = entryOf(event.value);
        this.noteCategory(entry.category);
        this.everyList((list) => list.created(entry));
        break;
      }
      case "read":
        this.everyList((list) => list.setRead(event.value.ids, event.value.read));
        break;
      case "readAll":
        this.everyList((list) => list.readAll(event.value.upTo, event.value.filter));
        break;
      case "archived":
        this.everyList((list) => list.setArchived(event.value.ids, event.value.archived));
        break;
      case "archivedAll":
        this.everyList((list) => list.archiveAll(event.value.upTo, event.value.filter));
        break;
      case "deleted":
        this.everyList((list) => list.delete(event.value.ids));
        break;
      case "cleared":
        this.everyList((list) => list.clear(event.value.upTo, event.value.ids));
        break;
      case "updated": {
        const n = event.value.notification;
        if (n) this.everyList((list) => list.updated(n.id, n.message, n.properties));
        break;
      }
      default:
        // seen (its counts below), broadcasts, and events of a newer service.
        break;
    }
    if (counts) this.counts = { total: counts.total, unseen: counts.unseen, unread: counts.unread };
    this.afterChange();
    this.options.onEvent?.(response);
  }

  // What an event changed: render; while the panel is open, list again what
  // went stale (once for a burst of events) and recount.
  private afterChange(): void {
    this.options.onChange();
    if (!this.open || this.settle !== undefined) return;
    this.settle = setTimeout(() => {
      this.settle = undefined;
      if (!this.open || this.stopped) return;
      const tasks = [this.refreshCounts()];
      if (this.list().stale) tasks.push(this.listFirstPage(this.view));
      void Promise.all(tasks).then(() => this.markSeen());
    }, settleMs);
  }

  private noteCategory(category: string): void {
    if (this.options.categories !== undefined || this.categories.has(category)) return;
    this.categories.add(category);
    this.uncounted = true;
  }

  // A page showed categories that were not counted yet: their filters need counts.
  private async countNewCategories(): Promise<void> {
    if (!this.uncounted || !this.open) return;
    this.uncounted = false;
    await this.refreshCounts();
  }

  private everyList(apply: (list: InboxList) => void): void {
    for (const list of this.lists.values()) apply(list);
  }

  private staleAll(): void {
    for (const list of this.lists.values()) list.markStale();
  }

  // What a failed action changed at once is undone by listing again.
  private relist(): void {
    this.staleAll();
    this.afterChange();
  }

  private groupsOf(notifications: Parameters<typeof groupOf>[0][]): InboxGroup[] {
    const groups = notifications.map(groupOf);
    for (const group of groups) for (const m of group.members) this.noteCategory(m.category);
    return groups;
  }

  // Runs a call, keeping `key` marked as loading meanwhile; a failure becomes
  // the error shown, prefixed with what failed.
  private async call(what: string, key: string | undefined, run: () => Promise<void>) {
    if (key !== undefined) this.loading.add(key);
    this.options.onChange();
    try {
      await run();
    } catch (error) {
      const failure = ConnectError.from(error);
      if (!this.stopped) {
        this.error = describe(what, failure);
        this.errorPasses = isRetryable(failure);
      }
    } finally {
      if (key !== undefined) this.loading.delete(key);
      if (!this.stopped) this.options.onChange();
    }
  }
}

/**
 * "What failed: why", in the service's own words (they name the field or the
 * reason); a request that never reached it (the browser's `fetch` failed)
 * says so.
 */
function describe(what: string, error: ConnectError): string {
  if (error.code === Code.Unknown && error.cause instanceof TypeError) {
    return `${what}: the service could not be reached`;
  }
  return `${what}: ${error.rawMessage || error.message}`;
}
