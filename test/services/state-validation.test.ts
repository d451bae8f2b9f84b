import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReadFilter } from "../../src/gen/notification/v1/notification_pb.js";
import { storeKinds } from "../support/service-under-test.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

// Contract §7.2, §7.3: every bad input of the state methods answers
// INVALID_ARGUMENT with a message that starts with the field it names, and
// writes nothing (the stored state, list and cursor keep their bytes and
// their causal context).

describe.each(storeKinds)("state methods refuse bad input on the %s store", (kind) => {
  let t: TestApp;
  const username = "bea";
  const ids: string[] = [];

  beforeAll(async () => {
    t = await createTestApp({}, kind);
    for (const category of ["like", "comment", "mention"]) {
      const created = await t.notifications.createNotification({
        username,
        category,
        message: "hi",
      });
      ids.push(created.notification?.id ?? "");
    }
    await t.notifications.markNotificationsRead({ username, ids: [ids[0] ?? ""] });
    await t.notifications.listNotifications({ username });
  });
  afterAll(async () => {
    await t.close();
  });

  async function rejection(call: () => Promise<unknown>): Promise<ConnectError> {
    try {
      await call();
    } catch (error) {
      return ConnectError.from(error);
    }
    throw new Error("the call succeeded");
  }

  /** The user's stored records, bytes and context, as storage holds them. */
  async function stored() {
    await t.app.idle();
    const keys = [
      ["notifications", username],
      ["states", username],
      ["cursors", `${username}-notifications`],
    ] as const;
    return Promise.all(keys.map(([bucket, key]) => t.store.get(bucket, key)));
  }

  const thousandAndOne = () => Array.from({ length: 1001 }, (_, i) => `id${i}`);
  const n = () => t.notifications;
  const cases: [string, string, () => Promise<unknown>][] = [
    ["read: ids and all", "ids", () => n().markNotificationsRead({ username, ids, all: true })],
    ["read: neither ids nor all", "ids", () => n().markNotificationsRead({ username })],
    ["read: 1001 ids", "ids", () => n().markNotificationsRead({ username, ids: thousandAndOne() })],
    [
      "read: ids with a filter",
      "filter",
      () => n().markNotificationsRead({ username, ids, filter: { archived: true } }),
    ],
    [
      "read all: an unknown read filter",
      "filter.read",
      () => n().markNotificationsRead({ username, all: true, filter: { read: 7 as ReadFilter } }),
    ],
    [
      "read all: a category of 2",
      "filter.categories",
      () => n().markNotificationsRead({ username, all: true, filter: { categories: ["ab"] } }),
    ],
    [
      "read all: 101 categories",
      "filter.categories",
      () =>
        n().markNotificationsRead({
          username,
          all: true,
          filter: { categories: Array.from({ length: 101 }, (_, i) => `category-${i}`) },
        }),
    ],
    [
      "read all: a property key of 65",
      "filter.properties",
      () =>
        n().markNotificationsRead({
          username,
          all: true,
          filter: { properties: { ["k".repeat(65)]: "v" } },
        }),
    ],
    ["read: bad username", "username", () => n().markNotificationsRead({ username: "b a", ids })],
    ["unread: no ids", "ids", () => n().markNotificationsUnread({ username })],
    [
      "unread: 1001 ids",
      "ids",
      () => n().markNotificationsUnread({ username, ids: thousandAndOne() }),
    ],
    ["archive: ids and all", "ids", () => n().archiveNotifications({ username, ids, all: true })],
    ["archive: neither", "ids", () => n().archiveNotifications({ username, ids: [] })],
    [
      "archive all: an unknown read filter",
      "filter.read",
      () => n().archiveNotifications({ username, all: true, filter: { read: 3 as ReadFilter } }),
    ],
    ["unarchive: no ids", "ids", () => n().unarchiveNotifications({ username })],
    [
      "seen: up_to not an id",
      "up_to",
      () => n().markNotificationsSeen({ username, upTo: "yesterday" }),
    ],
    ["seen: bad username", "username", () => n().markNotificationsSeen({ username: "" })],
    [
      "count: an unknown read filter",
      "filter.read",
      () => n().countNotifications({ username, filter: { read: 9 as ReadFilter } }),
    ],
    [
      "count: a category of 1",
      "filter.categories",
      () => n().countNotifications({ username, filter: { categories: ["x"] } }),
    ],
    [
      "list: an unknown read filter",
      "filter.read",
      () => n().listNotifications({ username, filter: { read: 5 as ReadFilter } }),
    ],
  ];

  it.each(cases)("%s", async (_name, field, call) => {
    const before = await stored();
    const error = await rejection(call);
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage.startsWith(field), error.rawMessage).toBe(true);
    expect(await stored()).toEqual(before);
  });

  it("a page token reused with another filter", async () => {
    const first = await n().listNotifications({
      username,
      pageSize: 1,
      filter: { read: ReadFilter.UNREAD },
    });
    expect(first.nextPageToken).not.toBe("");
    const before = await stored();
    for (const filter of [
      {},
      { read: ReadFilter.READ },
      { read: ReadFilter.UNREAD, categories: ["like"] },
    ]) {
      const error = await rejection(() =>
        n().listNotifications({ username, pageSize: 1, filter, pageToken: first.nextPageToken }),
      );
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.rawMessage).toMatch(/^page_token was issued for another filter/);
    }
    expect(await stored()).toEqual(before);
    // With its own filter (categories in another order is the same filter) it pages on.
    const second = await n().listNotifications({
      username,
      pageSize: 1,
      filter: { read: ReadFilter.UNREAD },
      pageToken: first.nextPageToken,
    });
    expect(second.notifications).toHaveLength(1);
  });

  it("unknown ids are ignored, and a request left with nothing to change writes nothing", async () => {
    const before = await stored();
    await n().markNotificationsRead({
      username,
      ids: ["3MSDMaZFJru4jl5eZivcZ2xoxeW", "not an id"],
    });
    await n().unarchiveNotifications({ username, ids: ["3MSDMaZFJru4jl5eZivcZ2xoxeW"] });
    await n().markNotificationsRead({ username: "nobody", all: true });
    expect(await stored()).toEqual(before);
  });
});
