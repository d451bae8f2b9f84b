import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReadFilter } from "../../src/gen/notification/v1/notification_pb.js";
import { storeKinds } from "../support/service-under-test.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

// Contract §7.1 to §7.4, behaviour by behaviour, on both stores.

describe.each(storeKinds)("inbox state on the %s store", (kind) => {
  let t: TestApp;
  let users = 0;
  beforeAll(async () => {
    t = await createTestApp({}, kind);
  });
  afterAll(async () => {
    await t.close();
  });

  /** A fresh user with `categories.length` notifications, newest last in `categories`. */
  async function inbox(...categories: string[]) {
    const username = `state-${kind}-${users++}`;
    const ids: string[] = [];
    for (const category of categories) {
      const created = await t.notifications.createNotification({
        username,
        category,
        message: `a ${category}`,
        properties: { post: category === "like" ? "p1" : "p2" },
      });
      ids.push(created.notification?.id ?? "");
    }
    return { username, ids };
  }

  const listed = async (username: string, filter = {}) =>
    (await t.notifications.listNotifications({ username, filter, pageSize: 1000 })).notifications;

  it("marks read and unread by id; unknown ids are ignored", async () => {
    const { username, ids } = await inbox("like", "comment", "mention");
    await t.notifications.markNotificationsRead({
      username,
      ids: [ids[0] ?? "", ids[2] ?? "", "3MSDMaZFJru4jl5eZivcZ2xoxeW"],
    });
    expect((await listed(username)).map((n) => [n.id, n.read])).toEqual([
      [ids[2], true],
      [ids[1], false],
      [ids[0], true],
    ]);
    await t.notifications.markNotificationsUnread({ username, ids: [ids[2] ?? ""] });
    expect((await t.notifications.countNotifications({ username })).unread).toBe(2);
  });

  it("archives out of the inbox view into the archive view, and back", async () => {
    const { username, ids } = await inbox("like", "comment");
    await t.notifications.archiveNotifications({ username, ids: [ids[0] ?? ""] });
    expect((await listed(username)).map((n) => n.id)).toEqual([ids[1]]);
    const archived = await listed(username, { archived: true });
    expect(archived.map((n) => [n.id, n.archived])).toEqual([[ids[0], true]]);
    await t.notifications.unarchiveNotifications({ username, ids: [ids[0] ?? ""] });
    expect((await listed(username)).map((n) => n.id)).toEqual([ids[1], ids[0]]);
  });

  it("marks all read with a filter: what it selects, when the request is handled", async () => {
    const { username, ids } = await inbox("like", "comment", "like");
    await t.notifications.markNotificationsRead({
      username,
      all: true,
      filter: { categories: ["like"] },
    });
    expect((await listed(username)).map((n) => n.read)).toEqual([true, false, true]);
    // A notification created after the answer stays unread.
    const later = await t.notifications.createNotification({
      username,
      category: "like",
      message: "new",
    });
    const now = await listed(username);
    expect(now[0]?.id).toBe(later.notification?.id);
    expect(now[0]?.read).toBe(false);
    expect(ids).toHaveLength(3);
  });

  it("a mark-all-read of the inbox view leaves the archive alone, and what it read stays read when archived", async () => {
    const { username, ids } = await inbox("like", "comment");
    await t.notifications.archiveNotifications({ username, ids: [ids[0] ?? ""] });
    await t.notifications.markNotificationsRead({ username, all: true });
    await t.notifications.archiveNotifications({ username, ids: [ids[1] ?? ""] });
    await t.notifications.unarchiveNotifications({ username, ids: [ids[0] ?? ""] });
    expect((await listed(username)).map((n) => [n.id, n.read])).toEqual([[ids[0], false]]);
    expect((await listed(username, { archived: true })).map((n) => [n.id, n.read])).toEqual([
      [ids[1], true],
    ]);
  });

  it("archives all that a filter selects: the read ones", async () => {
    const { username, ids } = await inbox("like", "comment", "mention");
    await t.notifications.markNotificationsRead({ username, ids: [ids[1] ?? ""] });
    await t.notifications.archiveNotifications({
      username,
      all: true,
      filter: { read: ReadFilter.READ },
    });
    expect((await listed(username)).map((n) => n.id)).toEqual([ids[2], ids[0]]);
    // Marking an archived one unread later does not bring it back to the inbox.
    await t.notifications.markNotificationsUnread({ username, ids: [ids[1] ?? ""] });
    expect((await listed(username, { archived: true })).map((n) => n.id)).toEqual([ids[1]]);
  });

  it("filters by category, read state and properties; counts follow", async () => {
    const { username, ids } = await inbox("like", "comment", "like", "mention");
    await t.notifications.markNotificationsRead({ username, ids: [ids[2] ?? ""] });
    const unreadLikes = { categories: ["like"], read: ReadFilter.UNREAD };
    expect((await listed(username, unreadLikes)).map((n) => n.id)).toEqual([ids[0]]);
    expect((await listed(username, { properties: { post: "p2" } })).map((n) => n.id)).toEqual([
      ids[3],
      ids[1],
    ]);
    expect(
      await t.notifications.countNotifications({ username, filter: unreadLikes }),
    ).toMatchObject({
      total: 1,
      unread: 1,
    });
    expect(
      await t.notifications.countNotifications({ username, filter: { read: ReadFilter.READ } }),
    ).toMatchObject({
      total: 1,
      unread: 0,
    });
  });

  it("only the unfiltered inbox view's first page moves the seen cursor", async () => {
    const { username } = await inbox("like", "comment");
    await listed(username, { categories: ["like"] });
    await listed(username, { read: ReadFilter.UNREAD });
    await listed(username, { archived: true });
    expect((await t.notifications.countNotifications({ username })).unseen).toBe(2);
    const first = await t.notifications.listNotifications({ username });
    expect(first.notifications.map((n) => n.unseen)).toEqual([true, true]);
    expect((await t.notifications.countNotifications({ username })).unseen).toBe(0);
  });

  it("MarkNotificationsSeen moves the cursor to up_to or the newest, never back, never past the newest", async () => {
    const { username, ids } = await inbox("like", "comment", "mention");
    expect(
      await t.notifications.markNotificationsSeen({ username, upTo: ids[1] ?? "" }),
    ).toMatchObject({
      cursor: ids[1],
    });
    expect((await t.notifications.countNotifications({ username })).unseen).toBe(1);
    expect(
      await t.notifications.markNotificationsSeen({ username, upTo: ids[0] ?? "" }),
    ).toMatchObject({
      cursor: ids[1],
    });
    expect(
      await t.notifications.markNotificationsSeen({
        username,
        upTo: "zzzzzzzzzzzzzzzzzzzzzzzzzzz",
      }),
    ).toMatchObject({
      cursor: ids[2],
    });
    expect((await t.notifications.countNotifications({ username })).unseen).toBe(0);
    const empty = `state-${kind}-${users++}`;
    expect(await t.notifications.markNotificationsSeen({ username: empty })).toMatchObject({
      cursor: "",
    });
  });

  it("a delete beats every state: a deleted, read, archived notification is gone, and delete-all clears the state's reach", async () => {
    const { username, ids } = await inbox("like", "comment");
    await t.notifications.archiveNotifications({ username, ids: [ids[0] ?? ""] });
    await t.notifications.markNotificationsRead({ username, ids: [ids[0] ?? ""] });
    await t.notifications.deleteNotifications({ username, ids: [ids[0] ?? ""] });
    expect(await listed(username, { archived: true })).toEqual([]);
    await t.notifications.deleteNotifications({ username, all: true });
    expect(await t.notifications.countNotifications({ username })).toMatchObject({
      total: 0,
      unseen: 0,
      unread: 0,
    });
  });
});
