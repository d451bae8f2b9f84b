import type { InboxEntry, InboxGroup } from "./inbox-entry.js";
import { type FilterFields, type InboxView, inView, matchesFilter } from "./inbox-view.js";

/**
 * The groups of one view (a tab and a category) that the panel has listed,
 * newest first, with the page token that continues below them. It applies
 * the stream's events in place, so a change made on another device shows
 * without listing again; what it cannot know from an event (a notification
 * that moved into this view) marks it stale. No id is ever held twice.
 */
export class InboxList {
  /** Newest first, by head id. */
  groups: InboxGroup[] = [];
  /** Continues below the last group; empty when nothing follows (or nothing was listed). */
  nextPageToken = "";
  /** Whether a first page was listed. */
  listed = false;
  /** True when the list must be listed again before it is trusted. */
  stale = true;
  // Counts the times the list went stale: a first page requested before the
  // latest of them may lack what made it stale, so it leaves the list stale.
  private staleMarks = 0;

  constructor(readonly view: InboxView) {}

  /** The list may lack notifications the server has. */
  markStale(): void {
    this.staleMarks += 1;
    this.stale = true;
  }

  /** Pass to {@link replaceFirstPage} the value this had when the page was requested. */
  get staleMark(): number {
    return this.staleMarks;
  }

  /** Every id held, heads and members. */
  ids(): Set<string> {
    return new Set(this.groups.flatMap((g) => g.members.map((m) => m.id)));
  }

  /**
   * Takes a fresh first page: it replaces every group down to its last one,
   * and the groups listed before below that stay (with their page token),
   * unless the fresh page holds one of their ids (a rollup regrouped). A page
   * with nothing after it replaces the whole list. The list stays stale when
   * it went stale again after `requestedAt` (its {@link staleMark} when the
   * page was requested).
   */
  replaceFirstPage(
    page: readonly InboxGroup[],
    nextPageToken: string,
    requestedAt = this.staleMarks,
  ): void {
    const fresh = page.map(copyGroup);
    const last = fresh.at(-1);
    this.listed = true;
    this.stale = this.staleMarks !== requestedAt;
    if (nextPageToken === "" || last === undefined) {
      this.groups = fresh;
      this.nextPageToken = nextPageToken;
      return;
    }
    const freshIds = new Set(fresh.flatMap((g) => g.members.map((m) => m.id)));
    const boundary = headId(last);
    const kept = this.groups.filter(
      (g) => headId(g) < boundary && g.members.every((m) => !freshIds.has(m.id)),
    );
    this.groups = [...fresh, ...kept];
    if (kept.length === 0) this.nextPageToken = nextPageToken;
  }

  /** Appends the page below the last group, leaving out the ids already held. */
  appendPage(page: readonly InboxGroup[], nextPageToken: string): void {
    const held = this.ids();
    for (const group of page) {
      const members = group.members.filter((m) => !held.has(m.id)).map((m) => ({ ...m }));
      if (members.length > 0) this.groups.push({ key: group.key, members });
    }
    this.nextPageToken = nextPageToken;
  }

  /** The entry with this id, if held. */
  find(id: string): InboxEntry | undefined {
    for (const group of this.groups) {
      const entry = group.members.find((m) => m.id === id);
      if (entry) return entry;
    }
    return undefined;
  }

  /**
   * A notification the stream announced: when the view would show it and it
   * is not held, the list lacks it (it is listed again, so that rollups are
   * formed by the server's rules).
   */
  created(entry: InboxEntry): void {
    if (inView(this.view, entry) && !this.find(entry.id)) this.markStale();
  }

  /** Sets `read` on the entries with these ids. */
  setRead(ids: readonly string[], read: boolean): void {
    const set = new Set(ids);
    this.update(
      (m) => set.has(m.id) && m.read !== read,
      (m) => {
        m.read = read;
      },
    );
  }

  /** A mark-all-read: entries up to `upTo` that match `filter` are read. */
  readAll(upTo: string, filter: Readonly<FilterFields> | undefined): void {
    this.update(
      (m) => !m.read && m.id <= upTo && matchesFilter(filter, m),
      (m) => {
        m.read = true;
      },
    );
  }

  /**
   * Sets `archived` on the entries with these ids: they leave a view they no
   * longer belong to. Ids this list does not hold may now belong to it.
   */
  setArchived(ids: readonly string[], archived: boolean): void {
    const set = new Set(ids);
    this.remove((m) => set.has(m.id) && m.archived !== archived);
    if (archived === this.view.archived && ids.some((id) => !this.find(id))) this.markStale();
  }

  /** An archive-all: entries up to `upTo` that match `filter` move to the archive. */
  archiveAll(upTo: string, filter: Readonly<FilterFields> | undefined): void {
    this.remove((m) => !m.archived && m.id <= upTo && matchesFilter(filter, m));
    if (this.view.archived) this.markStale();
  }

  /** Drops the entries with these ids (deleted). */
  delete(ids: readonly string[]): void {
    const set = new Set(ids);
    this.remove((m) => set.has(m.id));
  }

  /** A delete-all: drops every entry up to `upTo`, and those in `ids`. */
  clear(upTo: string, ids: readonly string[]): void {
    const set = new Set(ids);
    this.remove((m) => m.id <= upTo || set.has(m.id));
  }

  /** A notification's new message and properties (an update by key). */
  updated(id: string, message: string, properties: Readonly<Record<string, string>>): void {
    this.update(
      (m) => m.id === id,
      (m) => {
        m.message = message;
        m.properties = { ...properties };
      },
    );
  }

  private update(
    selects: (entry: InboxEntry) => boolean,
    apply: (entry: InboxEntry) => void,
  ): void {
    for (const group of this.groups) {
      for (const member of group.members) if (selects(member)) apply(member);
    }
  }

  // Members leave their groups; a group whose head left is headed by its
  // newest remaining member, and an empty group goes.
  private remove(selects: (entry: InboxEntry) => boolean): void {
    for (const group of this.groups) group.members = group.members.filter((m) => !selects(m));
    this.groups = this.groups.filter((g) => g.members.length > 0);
  }
}

function headId(group: InboxGroup): string {
  return group.members[0]?.id ?? "";
}

function copyGroup(group: InboxGroup): InboxGroup {
  return { key: group.key, members: group.members.map((m) => ({ ...m })) };
}
