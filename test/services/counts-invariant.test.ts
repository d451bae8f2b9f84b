import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeKinds } from "../support/service-under-test.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { appTarget, expectCountsMatchPaging, inboxOp, runOp } from "./inbox-ops.js";

// Contract §7.4: with no concurrent writes, for every filter, counts equal
// what paging the list returns, over random sequences of creates, deletes,
// delete-alls, marks by id and for all, archives, seen moves, first-page
// listings and rule changes. Once per store; the concurrent writers of the
// Riak test cluster are in counts-with-siblings.test.ts.

describe.each(storeKinds)("counts equal paging on the %s store", (kind) => {
  let t: TestApp;
  let users = 0;
  beforeAll(async () => {
    t = await createTestApp({}, kind);
  });
  afterAll(async () => {
    await t.close();
  });

  it("after any sequence of operations, for every filter", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(inboxOp, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 4 }),
        async (ops, pageSize) => {
          const username = `counted-${kind}-${users++}`;
          for (const op of ops) await runOp(appTarget(t), username, op);
          await expectCountsMatchPaging(appTarget(t), username, pageSize);
        },
      ),
      { numRuns: kind === "riak" ? 12 : 25 },
    );
  });

  it("counts a rollup as one, unread while any member is, and read once all are", async () => {
    const username = `rolled-${kind}`;
    await t.rules.putRule({ category: "comment", rule: { matchOn: "post" } });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const created = await t.notifications.createNotification({
        username,
        category: "comment",
        message: `comment ${i}`,
        properties: { post: "p1" },
      });
      ids.push(created.notification?.id ?? "");
    }
    expect(await t.notifications.countNotifications({ username })).toMatchObject({
      total: 1,
      unseen: 1,
      unread: 1,
    });
    await t.notifications.markNotificationsRead({ username, ids: ids.slice(0, 2) });
    expect((await t.notifications.countNotifications({ username })).unread).toBe(1);
    const [head] = (await t.notifications.listNotifications({ username })).notifications;
    expect(head?.read).toBe(false);
    expect(head?.notifications.map((c) => c.read)).toEqual([true, true]);
    await t.notifications.markNotificationsRead({ username, ids: ids.slice(2) });
    expect(await t.notifications.countNotifications({ username })).toMatchObject({
      total: 1,
      unseen: 0,
      unread: 0,
    });
    await t.rules.deleteRule({ category: "comment" });
  });
});
