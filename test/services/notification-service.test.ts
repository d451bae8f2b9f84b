import { timestampMs } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Notification } from "../../src/gen/notification/v1/notification_pb.js";
import { storeKinds } from "../support/service-under-test.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

describe.each(storeKinds)("%s store", (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({}, kind);
  });
  afterEach(async () => {
    await t.close();
  });

  async function createMany(username: string, count: number, category = "like") {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const res = await t.notifications.createNotification({
        username,
        category,
        message: `m${i}`,
      });
      ids.push(res.notification?.id ?? "");
    }
    return ids;
  }

  /** Every notification id a list answer shows, rollup children included. */
  function allIds(items: readonly Notification[]): string[] {
    return items.flatMap((n) => [n.id, ...n.notifications.map((c) => c.id)]);
  }

  describe("CreateNotification", () => {
    it("stores the notification and answers it with an id and a millisecond created_at", async () => {
      const before = Date.now();
      const res = await t.notifications.createNotification({
        username: "ann",
        category: "new-follower",
        message: "Bob followed you",
        properties: { follower: "bob" },
      });
      const n = res.notification;
      expect(n?.id).toMatch(/^[0-9A-Za-z]{27}$/);
      expect(n?.category).toBe("new-follower");
      expect(n?.message).toBe("Bob followed you");
      expect(n?.properties).toEqual({ follower: "bob" });
      expect(n?.unseen).toBe(false);
      const createdAt = n?.createdAt ? timestampMs(n.createdAt) : 0;
      expect(createdAt).toBeGreaterThanOrEqual(before);
      expect(createdAt % 1).toBe(0);
      const listed = await t.notifications.listNotifications({ username: "ann" });
      expect(listed.notifications.map((x) => x.id)).toEqual([n?.id]);
    });

    it("100 concurrent creates for one user all land, in far fewer writes (group commit)", async () => {
      const writesBefore = t.app.deps.repositories.inboxes.batchCount;
      const created = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          t.notifications.createNotification({
            username: "hot",
            category: "like",
            message: `m${i}`,
          }),
        ),
      );
      const listed = await t.notifications.listNotifications({ username: "hot", pageSize: 1000 });
      expect(new Set(listed.notifications.map((n) => n.id))).toEqual(
        new Set(created.map((c) => c.notification?.id)),
      );
      expect(t.app.deps.repositories.inboxes.batchCount - writesBefore).toBeLessThan(100);
    });

    it("keeps the newest `retention` notifications", async () => {
      const small = await createTestApp({ retention: 5 }, kind);
      try {
        const ids: string[] = [];
        for (let i = 0; i < 8; i++) {
          const res = await small.notifications.createNotification({
            username: "u",
            category: "like",
            message: "m",
          });
          ids.push(res.notification?.id ?? "");
        }
        const listed = await small.notifications.listNotifications({ username: "u" });
        expect(listed.notifications.map((n) => n.id)).toEqual(ids.slice(3).reverse());
      } finally {
        await small.close();
      }
    });
  });

  describe("ListNotifications", () => {
    it("answers an empty list for a user with none", async () => {
      const res = await t.notifications.listNotifications({ username: "nobody" });
      expect(res.notifications).toEqual([]);
      expect(res.nextPageToken).toBe("");
      expect(res.lastModified).toBeUndefined();
    });

    it("lists newest first; the first page's flags are from before it, and it moves the cursor (A1)", async () => {
      const ids = await createMany("ann", 30);
      const first = await t.notifications.listNotifications({ username: "ann" });
      expect(first.notifications.map((n) => n.id)).toEqual(ids.slice(10).reverse());
      expect(first.notifications.every((n) => n.unseen)).toBe(true);
      expect(first.lastModified && timestampMs(first.lastModified)).toBeGreaterThan(0);
      // A2: the next page reads as seen, because the cursor moved.
      const second = await t.notifications.listNotifications({
        username: "ann",
        pageToken: first.nextPageToken,
      });
      expect(second.notifications.map((n) => n.id)).toEqual(ids.slice(0, 10).reverse());
      expect(second.notifications.every((n) => !n.unseen)).toBe(true);
      expect(second.nextPageToken).toBe("");
      const again = await t.notifications.listNotifications({ username: "ann" });
      expect(again.notifications.every((n) => !n.unseen)).toBe(true);
    });

    it("marks only newer notifications unseen after the cursor moved", async () => {
      await createMany("ann", 3);
      await t.notifications.listNotifications({ username: "ann" });
      const [newer] = await createMany("ann", 1);
      const res = await t.notifications.listNotifications({ username: "ann" });
      expect(res.notifications.filter((n) => n.unseen).map((n) => n.id)).toEqual([newer]);
    });

    it("a later page is not the first page: it does not move the cursor", async () => {
      const ids = await createMany("ann", 5);
      const first = await t.notifications.listNotifications({ username: "ann", pageSize: 2 });
      await createMany("ann", 1);
      await t.notifications.listNotifications({
        username: "ann",
        pageSize: 2,
        pageToken: first.nextPageToken,
      });
      const res = await t.notifications.listNotifications({ username: "ann", pageSize: 10 });
      expect(res.notifications.filter((n) => n.unseen)).toHaveLength(1);
      expect(res.notifications.map((n) => n.id)).toContain(ids[4]);
    });

    it("pages with a rule active visit every notification exactly once, though the first page moves the cursor", async () => {
      await t.rules.putRule({ category: "like", rule: { maxSize: 4 } });
      await createMany("ann", 3, "comment");
      const older = await createMany("ann", 20, "like");
      await t.notifications.listNotifications({ username: "ann", pageSize: 1 });
      // Two unseen likes: the first page groups them apart from the seen ones. Once
      // it moves the cursor, all 22 are seen; grouping them together now would
      // shift every later group and repeat notifications the first page showed.
      const newer = await createMany("ann", 2, "like");
      const seen: string[] = [];
      let token = "";
      do {
        const page = await t.notifications.listNotifications({
          username: "ann",
          pageSize: 2,
          pageToken: token,
        });
        seen.push(...allIds(page.notifications));
        token = page.nextPageToken;
      } while (token !== "");
      expect(seen).toHaveLength(25);
      expect(new Set(seen).size).toBe(25);
      expect(seen).toEqual(expect.arrayContaining([...older, ...newer]));
    });

    it("clamps page_size to 1000 and defaults it to 20", async () => {
      await createMany("ann", 25);
      expect(
        (await t.notifications.listNotifications({ username: "ann" })).notifications,
      ).toHaveLength(20);
      const big = await t.notifications.listNotifications({ username: "ann", pageSize: 5000 });
      expect(big.notifications).toHaveLength(25);
      expect(big.nextPageToken).toBe("");
    });

    it("rolls up by the rules, unseen and seen apart", async () => {
      await t.rules.putRule({ category: "like", rule: { maxSize: 10 } });
      await createMany("ann", 3);
      await t.notifications.listNotifications({ username: "ann" });
      await createMany("ann", 2);
      const res = await t.notifications.listNotifications({ username: "ann" });
      expect(res.notifications).toHaveLength(2);
      expect(res.notifications.map((n) => [n.unseen, n.notifications.length])).toEqual([
        [true, 1],
        [false, 2],
      ]);
      expect(res.notifications[0]?.notifications[0]?.unseen).toBe(true);
    });
  });

  describe("DeleteNotifications", () => {
    it("deletes the given ids and ignores unknown ones", async () => {
      const ids = await createMany("ann", 4);
      await t.notifications.deleteNotifications({
        username: "ann",
        ids: [ids[1] ?? "", "asdf", "3MSBa8GtFJqiVfhAjOlEyrrjyBs"],
      });
      const res = await t.notifications.listNotifications({ username: "ann" });
      expect(res.notifications.map((n) => n.id)).toEqual([ids[3], ids[2], ids[0]]);
    });

    it("with all deletes everything and the cursor; newer creates are kept and unseen", async () => {
      await createMany("ann", 3);
      await t.notifications.listNotifications({ username: "ann" });
      await t.notifications.deleteNotifications({ username: "ann", all: true });
      expect((await t.notifications.listNotifications({ username: "ann" })).notifications).toEqual(
        [],
      );
      const [fresh] = await createMany("ann", 1);
      const res = await t.notifications.listNotifications({ username: "ann" });
      expect(res.notifications.map((n) => [n.id, n.unseen])).toEqual([[fresh, true]]);
    });

    it("an empty request, or ids together with all, is INVALID_ARGUMENT and deletes nothing", async () => {
      const ids = await createMany("ann", 2);
      const refusals = [
        { username: "ann" },
        { username: "ann", ids: [] },
        { username: "ann", all: false },
        { username: "ann", ids: [ids[0] ?? ""], all: true },
      ];
      for (const request of refusals) {
        const failure = t.notifications.deleteNotifications(request);
        await expect(failure).rejects.toMatchObject({
          code: Code.InvalidArgument,
          rawMessage: expect.stringMatching(/^ids .*\ball\b/),
        });
      }
      const res = await t.notifications.listNotifications({ username: "ann" });
      expect(res.notifications.map((n) => n.id)).toEqual(ids.toReversed());
    });

    it("a deleted notification does not come back when another instance wrote concurrently", async () => {
      const other = t.sibling();
      const ids = await createMany("ann", 3);
      await Promise.all([
        t.notifications.deleteNotifications({ username: "ann", ids: [ids[0] ?? ""] }),
        other.notifications.createNotification({ username: "ann", category: "like", message: "x" }),
      ]);
      const res = await t.notifications.listNotifications({ username: "ann" });
      expect(res.notifications.map((n) => n.id)).not.toContain(ids[0]);
      expect(res.notifications).toHaveLength(3);
    });
  });
});
