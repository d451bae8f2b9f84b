import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { NotificationSchema } from "../gen/notification/v1/notification_pb.js";
import { groupOf, type InboxEntry, type InboxGroup, isRead } from "../src/inbox-entry.js";
import { InboxList } from "../src/inbox-list.js";
import { inboxView } from "../src/inbox-view.js";

// Ids that sort like KSUIDs: a fixed width, greater is newer.
const id = (n: number) => `id${String(n).padStart(25, "0")}`;

function entry(n: number, fields: Partial<InboxEntry> = {}): InboxEntry {
  return {
    id: id(n),
    category: "new-follower",
    message: `m${n}`,
    createdAtMs: n * 1000,
    properties: {},
    unseen: false,
    read: false,
    archived: false,
    ...fields,
  };
}

/** A group of these numbers, head first. */
function group(...ns: number[]): InboxGroup {
  return { key: id(ns[0] ?? 0), members: ns.map((n) => entry(n)) };
}

/** The list's groups as numbers, head first: [[9, 8], [5]]. */
function shape(list: InboxList): number[][] {
  return list.groups.map((g) => g.members.map((m) => Number(m.id.slice(2))));
}

describe("a list's pages", () => {
  it("a first page with nothing after it replaces the whole list", () => {
    const list = new InboxList(inboxView);
    list.replaceFirstPage([group(9), group(8), group(7)], "more");
    list.replaceFirstPage([group(10), group(9)], "");
    expect(shape(list)).toEqual([[10], [9]]);
    expect(list.nextPageToken).toBe("");
    expect(list.stale).toBe(false);
  });

  it("a fresh first page keeps what was listed below it, and its page token", () => {
    const list = new InboxList(inboxView);
    list.replaceFirstPage([group(9), group(8)], "after-8");
    list.appendPage([group(7), group(6)], "after-6");
    // Two arrived: the fresh page of two holds just them.
    list.replaceFirstPage([group(11), group(10)], "after-10");
    expect(shape(list)).toEqual([[11], [10], [9], [8], [7], [6]]);
    expect(list.nextPageToken).toBe("after-6");
    // Nothing was listed below a longer fresh page: its token continues.
    const short = new InboxList(inboxView);
    short.replaceFirstPage([group(9)], "after-9");
    short.replaceFirstPage([group(10), group(9)], "after-9b");
    expect(shape(short)).toEqual([[10], [9]]);
    expect(short.nextPageToken).toBe("after-9b");
  });

  it("a regrouped rollup replaces the groups it took in, so no id is held twice", () => {
    const list = new InboxList(inboxView);
    list.replaceFirstPage([group(9), group(8), group(7)], "after-7");
    list.appendPage([group(6), group(5)], "after-5");
    // 9 and 7 now roll up under 12 (say, a rule changed); 8 stays alone.
    list.replaceFirstPage([group(12, 9, 7), group(8)], "after-8");
    expect(shape(list)).toEqual([[12, 9, 7], [8], [6], [5]]);
    expect(list.ids().size).toBe(6);
  });

  it("a group that left the first page (archived, deleted) is dropped with it", () => {
    const list = new InboxList(inboxView);
    list.replaceFirstPage([group(9), group(8), group(7)], "after-7");
    list.replaceFirstPage([group(9), group(7)], "after-7");
    expect(shape(list)).toEqual([[9], [7]]);
  });

  it("a first page requested before the list went stale leaves it stale", () => {
    const list = new InboxList(inboxView);
    const requestedAt = list.staleMark;
    // A notification arrives while the page is on its way; the page may lack it.
    list.created(entry(10));
    expect(list.stale).toBe(true);
    list.replaceFirstPage([group(9)], "", requestedAt);
    expect(list.stale).toBe(true);
    list.replaceFirstPage([group(10), group(9)], "", list.staleMark);
    expect(list.stale).toBe(false);
  });

  it("an appended page leaves out the ids already held", () => {
    const list = new InboxList(inboxView);
    list.replaceFirstPage([group(9, 6), group(8)], "after-8");
    list.appendPage([group(7, 6), group(5)], "");
    expect(shape(list)).toEqual([[9, 6], [8], [7], [5]]);
    expect(list.nextPageToken).toBe("");
  });
});

describe("a list applies the stream's events", () => {
  it("a new notification the view would show marks it stale; one it holds or would not show does not", () => {
    const list = new InboxList(inboxView);
    list.replaceFirstPage([group(9)], "");
    list.created(entry(9));
    list.created(entry(10, { archived: true }));
    expect(list.stale).toBe(false);
    list.created(entry(10));
    expect(list.stale).toBe(true);
    const likes = new InboxList({ archived: false, category: "like" });
    likes.replaceFirstPage([], "");
    likes.created(entry(11));
    expect(likes.stale).toBe(false);
    likes.created(entry(12, { category: "like" }));
    expect(likes.stale).toBe(true);
  });

  it("read and unread change members; a rollup is read when every member is", () => {
    const list = new InboxList(inboxView);
    list.replaceFirstPage([group(9, 8, 7)], "");
    const [rollup] = list.groups;
    if (!rollup) throw new Error("no group");
    list.setRead([id(9), id(8)], true);
    expect(isRead(rollup)).toBe(false);
    list.setRead([id(7)], true);
    expect(isRead(rollup)).toBe(true);
    list.setRead([id(8)], false);
    expect(isRead(rollup)).toBe(false);
  });

  it("a mark-all-read reaches what it covers: up to its id, within its filter", () => {
    const list = new InboxList(inboxView);
    list.replaceFirstPage(
      [
        { key: id(9), members: [entry(9)] },
        { key: id(8), members: [entry(8, { category: "like" })] },
        { key: id(7), members: [entry(7)] },
      ],
      "",
    );
    const filter = { categories: ["new-follower"], read: 0, archived: false, properties: {} };
    list.readAll(id(8), filter);
    expect(list.groups.map(isRead)).toEqual([false, false, true]);
    list.readAll(id(9), undefined);
    expect(list.groups.map(isRead)).toEqual([true, true, true]);
  });

  it("archiving removes from the inbox and makes the archive stale; a rollup loses the members that moved", () => {
    const inbox = new InboxList(inboxView);
    const archive = new InboxList({ archived: true, category: "" });
    inbox.replaceFirstPage([group(9, 8), group(7)], "");
    archive.replaceFirstPage([], "");
    inbox.setArchived([id(9)], true);
    expect(shape(inbox)).toEqual([[8], [7]]);
    expect(inbox.stale).toBe(false);
    archive.setArchived([id(9)], true);
    expect(archive.stale).toBe(true);
    inbox.archiveAll(id(9), undefined);
    expect(shape(inbox)).toEqual([]);
    expect(inbox.stale).toBe(false);
  });

  it("deletes and a delete-all drop what they name", () => {
    const list = new InboxList(inboxView);
    list.replaceFirstPage([group(12), group(11, 10), group(9), group(8)], "");
    list.delete([id(11), id(8)]);
    expect(shape(list)).toEqual([[12], [10], [9]]);
    list.clear(id(9), [id(12)]);
    expect(shape(list)).toEqual([[10]]);
  });

  it("an update by key changes the message in place", () => {
    const list = new InboxList(inboxView);
    list.replaceFirstPage([group(9)], "");
    list.updated(id(9), "edited", { a: "1" });
    expect(list.find(id(9))).toMatchObject({ message: "edited", properties: { a: "1" } });
  });
});

describe("a listed notification as a group", () => {
  it("takes the rollup's members with their own states, head first", () => {
    const head = create(NotificationSchema, {
      id: id(9),
      category: "new-follower",
      message: "Ann followed you",
      createdAt: timestampFromMs(9000),
      read: false,
      unseen: true,
      properties: { actor: "Ann" },
      notifications: [
        { id: id(8), category: "new-follower", message: "Bob followed you", read: true },
      ],
    });
    const made = groupOf(head);
    expect(made.key).toBe(id(9));
    expect(made.members.map((m) => [m.id, m.read, m.unseen])).toEqual([
      [id(9), false, true],
      [id(8), true, false],
    ]);
    expect(made.members[0]).toMatchObject({ createdAtMs: 9000, properties: { actor: "Ann" } });
  });
});
