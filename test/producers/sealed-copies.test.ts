import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { JobState } from "../../src/gen/notification/v1/notification_pb.js";
import { patiently, StreamReader } from "../streams/stream-reader.js";
import { storeKinds } from "../support/service-under-test.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

const headLimit = 4;
const content = { category: "comment", message: "Ann commented", properties: { post: "42" } };

// Issue 16 on issue 13's storage: copies sealed into segments are reached by
// changes by key, and a retry finds an original that was sealed.
describe.each(storeKinds)("copies sealed into segments on the %s store", (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ headLimit }, kind);
  });
  afterEach(async () => {
    await t.close();
  });

  /** Enough newer notifications that the user's older ones are sealed. */
  async function sealOlder(username: string) {
    for (let i = 0; i < headLimit * 3; i++) {
      await t.notifications.createNotification({ username, category: "filler", message: `${i}` });
    }
    const inbox = await t.app.deps.repositories.inboxes.read(username);
    expect(inbox.head.segments.length).toBeGreaterThan(0);
    return inbox;
  }
  const all = async (username: string) =>
    (await t.notifications.listNotifications({ username, pageSize: 1000 })).notifications;

  it("update, mark read and delete by key reach a sealed copy, and live subscribers", async () => {
    const created = await t.notifications.createNotifications({
      ...content,
      key: "c:1",
      usernames: ["ann", "bob"],
    });
    const annId = created.results[0]?.notification?.id ?? "";
    const inbox = await sealOlder("ann");
    expect(inbox.head.notifications.map((n) => n.id)).not.toContain(annId);
    const ann = StreamReader.open(t.transport, { username: "ann" });
    try {
      await ann.live();
      const updated = await t.notifications.updateNotificationsByKey({
        key: "c:1",
        message: "Ann edited her comment",
        removeProperties: ["post"],
      });
      expect(updated.job).toMatchObject({ state: JobState.DONE, done: 2n });
      const sealed = (await all("ann")).find((n) => n.id === annId);
      expect(sealed).toMatchObject({ message: "Ann edited her comment", properties: {} });
      await t.notifications.markNotificationsReadByKey({ key: "c:1" });
      expect((await all("ann")).find((n) => n.id === annId)?.read).toBe(true);
      await t.notifications.deleteNotificationsByKey({ key: "c:1" });
      const left = await all("ann");
      expect(left.map((n) => n.id)).not.toContain(annId);
      expect(left).toHaveLength(headLimit * 3);
      expect(await all("bob")).toEqual([]);
      await vi.waitFor(
        () =>
          expect(ann.kinds().filter((k) => k !== "seen")).toEqual([
            "state",
            "updated",
            "read",
            "deleted",
          ]),
        patiently,
      );
      const event = ann.events.find((e) => e.event.case === "updated")?.event;
      expect(event?.case === "updated" && event.value.notification?.id).toBe(annId);
    } finally {
      await ann.cancel();
    }
    // A resume from before the delete is told of it, though the copy was sealed.
    const resumed = StreamReader.open(t.transport, { username: "ann", after: annId });
    try {
      await vi.waitFor(() => expect(resumed.kinds()).toContain("deleted"), patiently);
      const deleted = resumed.events.find((e) => e.event.case === "deleted")?.event;
      expect(deleted?.case === "deleted" && deleted.value.ids).toContain(annId);
    } finally {
      await resumed.cancel();
    }
  });

  it("a retry after its original was sealed answers the original and stores nothing", async () => {
    const request = { username: "cid", ...content, idempotencyKey: "once" };
    const first = await t.notifications.createNotification(request);
    await sealOlder("cid");
    const retry = await t.notifications.createNotification(request);
    expect(retry.replayed).toBe(true);
    expect(retry.notification?.id).toBe(first.notification?.id);
    const listed = await all("cid");
    expect(listed.filter((n) => n.category === "comment").map((n) => n.id)).toEqual([
      first.notification?.id,
    ]);
    await expect(
      t.notifications.createNotification({ ...request, message: "another" }),
    ).rejects.toMatchObject({
      rawMessage: /^idempotency_key was used within the idempotency window/,
    });
    expect((await all("cid")).filter((n) => n.category === "comment")).toHaveLength(1);
  });
});
