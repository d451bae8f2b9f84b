import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ServiceUnderTest,
  startServiceUnderTest,
} from "../../../test/support/service-under-test.js";
import { Code, ConnectError, createNotificationClient } from "../src/index.js";
import { EventLog } from "./event-log.js";
import { protocols } from "./protocols.js";
import { stored } from "./stored.js";

const poll = { timeout: 20_000 };

let sut: ServiceUnderTest;
beforeAll(async () => {
  sut = await startServiceUnderTest("embedded");
});
afterAll(async () => {
  await sut.close();
});

describe.each(protocols)("inbox state through the client over %s", (name, options) => {
  const client = () => createNotificationClient(sut.baseUrl, options);
  let users = 0;

  async function inbox(...categories: string[]) {
    const username = `client-state-${name}-${users++}`;
    const ids: string[] = [];
    for (const category of categories) {
      ids.push(
        (await stored(client().createNotification(username, { category, message: category }))).id,
      );
    }
    return { username, ids };
  }

  it("marks, archives, filters and counts", async () => {
    const c = client();
    const { username, ids } = await inbox("like", "comment", "like");
    await c.markNotificationsRead(username, [ids[0] ?? ""]);
    expect(await c.countNotifications(username)).toEqual({ total: 3, unseen: 3, unread: 2 });
    expect(await c.countNotifications(username, { categories: ["like"], read: "unread" })).toEqual({
      total: 1,
      unseen: 1,
      unread: 1,
    });
    await c.archiveNotifications(username, [ids[1] ?? ""]);
    const archived = await c.listNotifications(username, { filter: { archived: true } });
    expect(archived.notifications.map((n) => [n.id, n.archived])).toEqual([[ids[1], true]]);
    await c.markAllNotificationsRead(username);
    expect((await c.countNotifications(username)).unread).toBe(0);
    expect((await c.countNotifications(username, { archived: true })).unread).toBe(1);
    await c.archiveAllNotifications(username, { read: "read" });
    expect((await c.countNotifications(username)).total).toBe(0);
    await c.unarchiveNotifications(username, [ids[2] ?? ""]);
    await c.markNotificationsUnread(username, [ids[2] ?? ""]);
    const all = [];
    for await (const item of c.listAllNotifications(username, {
      pageSize: 1,
      filter: { read: "unread" },
    })) {
      all.push(item.id);
    }
    expect(all).toEqual([ids[2]]);
  });

  it("moves the seen cursor and answers it", async () => {
    const c = client();
    const { username, ids } = await inbox("like", "like");
    expect(await c.markNotificationsSeen(username, ids[0])).toBe(ids[0]);
    expect(await c.markNotificationsSeen(username)).toBe(ids[1]);
    expect((await c.countNotifications(username)).unseen).toBe(0);
  });

  it("passes on the state events, each with the counts after it", async () => {
    const c = client();
    const { username, ids } = await inbox("like", "comment");
    const controller = new AbortController();
    const log = new EventLog(c.subscribe(username, { signal: controller.signal }));
    try {
      await expect.poll(() => log.states(), poll).toBe(1);
      expect(log.events[0]).toMatchObject({
        case: "state",
        value: { totalCount: 2, unreadCount: 2 },
      });
      await c.markNotificationsRead(username, [ids[0] ?? ""]);
      await c.archiveAllNotifications(username, { categories: ["comment"] });
      await c.markNotificationsSeen(username);
      await expect
        .poll(() => log.events.map((e) => e.case), poll)
        .toEqual(["state", "read", "archivedAll", "seen"]);
      expect(log.events.slice(1).map((e) => e.counts)).toMatchObject([
        { total: 2, unseen: 2, unread: 1 },
        { total: 1, unseen: 1, unread: 0 },
        { total: 1, unseen: 0, unread: 0 },
      ]);
      expect(log.events[2]).toMatchObject({
        value: { upTo: ids[1], filter: { categories: ["comment"] } },
      });
    } finally {
      controller.abort();
      await log.ended();
    }
  });

  it("refuses an empty id list rather than marking everything", async () => {
    const error = await client()
      .markNotificationsRead("ann", [])
      .catch((e: unknown) => ConnectError.from(e));
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.InvalidArgument);
    expect((error as ConnectError).rawMessage).toMatch(/^ids must name at least one/);
  });
});
