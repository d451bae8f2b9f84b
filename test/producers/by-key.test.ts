import { Code, ConnectError } from "@connectrpc/connect";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { JobState } from "../../src/gen/notification/v1/notification_pb.js";
import { patiently, StreamReader } from "../streams/stream-reader.js";
import { testAppOptions } from "../support/module-options.js";
import { storeKinds } from "../support/service-under-test.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

const defaults = testAppOptions().producers;
const content = { category: "comment", message: "Ann commented", properties: { post: "42" } };
const users = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);

// Contract §9.2: update and delete by key reach every copy, for every user
// who has one, and live subscribers.
describe.each(storeKinds)("changes by key on the %s store", (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ producers: { ...defaults, inlineJobMax: 10, batchSize: 20 } }, kind);
  });
  afterEach(async () => {
    await t.close();
  });

  const copies = async (username: string) =>
    (await t.notifications.listNotifications({ username, pageSize: 1000 })).notifications;

  it("an update reaches every copy in place (ids kept), from fan-out and topic alike", async () => {
    const direct = await t.notifications.createNotifications({
      ...content,
      key: "comment:8812",
      usernames: ["ann", "bob"],
    });
    await t.topics.addTopicSubscribers({ topic: "post:42", usernames: users(45) });
    const published = await t.topics.publishToTopic({
      topic: "post:42",
      ...content,
      key: "comment:8812",
    });
    await t.app.jobs.settled(published.job?.id ?? "");
    await t.notifications.createNotification({ username: "ann", ...content, key: "other" });

    const res = await t.notifications.updateNotificationsByKey({
      key: "comment:8812",
      message: "Ann edited her comment",
      properties: { edited: "yes" },
      removeProperties: ["post"],
    });
    expect(res.job?.kind).toBe("update_by_key");
    expect(res.job?.total).toBe(47n);
    await t.app.jobs.settled(res.job?.id ?? "");
    expect((await t.jobs.getJob({ jobId: res.job?.id ?? "" })).job).toMatchObject({
      state: JobState.DONE,
      done: 47n,
      failed: 0n,
    });
    for (const username of ["ann", "bob", ...users(45)]) {
      const keyed = (await copies(username)).filter((n) => n.key === "comment:8812");
      expect(keyed.map((n) => [n.message, n.properties])).toEqual([
        ["Ann edited her comment", { edited: "yes" }],
      ]);
    }
    const annIds = (await copies("ann")).map((n) => n.id);
    expect(annIds).toContain(direct.results[0]?.notification?.id);
    expect((await copies("ann")).find((n) => n.key === "other")?.message).toBe("Ann commented");
  });

  it("a copy created after the update keeps what it was created with", async () => {
    await t.notifications.createNotification({ username: "ann", ...content, key: "k1" });
    const { job } = await t.notifications.updateNotificationsByKey({
      key: "k1",
      message: "edited",
    });
    expect(job?.state).toBe(JobState.DONE);
    await t.notifications.createNotification({ username: "ann", ...content, key: "k1" });
    expect((await copies("ann")).map((n) => n.message)).toEqual(["Ann commented", "edited"]);
  });

  it("a delete removes every copy; a later copy with the key stays", async () => {
    await t.notifications.createNotifications({ ...content, key: "k2", usernames: users(30) });
    await t.notifications.createNotification({ username: "u0", ...content, key: "keep" });
    const { job } = await t.notifications.deleteNotificationsByKey({ key: "k2" });
    // 30 users is past inline_job_max (10): the job answers before it is done.
    expect(job?.state).not.toBe(JobState.DONE);
    await t.app.jobs.settled(job?.id ?? "");
    for (const username of users(30)) {
      expect((await copies(username)).filter((n) => n.key === "k2")).toEqual([]);
    }
    expect((await copies("u0")).map((n) => n.key)).toEqual(["keep"]);
    await t.notifications.createNotification({ username: "u1", ...content, key: "k2" });
    expect((await copies("u1")).map((n) => n.key)).toEqual(["k2"]);
  });

  it("live subscribers get updated and deleted events", async () => {
    const created = await t.notifications.createNotification({
      username: "ann",
      ...content,
      key: "k3",
    });
    const id = created.notification?.id ?? "";
    const ann = StreamReader.open(t.transport, { username: "ann" });
    try {
      await ann.live();
      await t.notifications.updateNotificationsByKey({ key: "k3", message: "changed" });
      await t.notifications.deleteNotificationsByKey({ key: "k3" });
      await vi.waitFor(
        () => expect(ann.kinds()).toEqual(["state", "updated", "deleted"]),
        patiently,
      );
      const updated = ann.events[1]?.event;
      expect(updated?.case === "updated" && updated.value.notification).toMatchObject({
        id,
        message: "changed",
        key: "k3",
      });
      const deleted = ann.events[2]?.event;
      expect(deleted?.case === "deleted" && deleted.value.ids).toEqual([id]);
    } finally {
      await ann.cancel();
    }
  });

  it("mark read reaches every copy; a later copy stays unread; subscribers get read", async () => {
    await t.notifications.createNotifications({ ...content, key: "k4", usernames: users(25) });
    await t.notifications.createNotification({ username: "u0", ...content, key: "other" });
    const u1 = StreamReader.open(t.transport, { username: "u1" });
    try {
      await u1.live();
      const { job } = await t.notifications.markNotificationsReadByKey({ key: "k4" });
      expect(job?.kind).toBe("read_by_key");
      await t.app.jobs.settled(job?.id ?? "");
      expect((await t.jobs.getJob({ jobId: job?.id ?? "" })).job).toMatchObject({
        state: JobState.DONE,
        total: 25n,
        done: 25n,
      });
      for (const username of users(25)) {
        const keyed = (await copies(username)).filter((n) => n.key === "k4");
        expect(keyed.map((n) => n.read)).toEqual([true]);
      }
      expect((await copies("u0")).find((n) => n.key === "other")?.read).toBe(false);
      const counts = await t.notifications.countNotifications({ username: "u0" });
      expect(counts).toMatchObject({ total: 2, unread: 1 });
      // The read, then the seen of listing u1's first page above.
      await vi.waitFor(() => expect(u1.kinds()).toEqual(["state", "read", "seen"]), patiently);
      const read = u1.events[1];
      expect(read?.event.case === "read" && read.event.value.read).toBe(true);
      expect(read?.counts).toMatchObject({ unread: 0 });
      await t.notifications.createNotification({ username: "u1", ...content, key: "k4" });
      expect((await copies("u1")).map((n) => n.read)).toEqual([false, true]);
    } finally {
      await u1.cancel();
    }
  });

  it("a key nobody got answers a done job with nothing to do", async () => {
    const { job } = await t.notifications.deleteNotificationsByKey({ key: "nobody" });
    expect(job).toMatchObject({ state: JobState.DONE, total: 0n, done: 0n });
  });

  it("refuses bad input naming the field", async () => {
    const cases: [() => Promise<unknown>, RegExp][] = [
      [
        () => t.notifications.updateNotificationsByKey({ key: "k".repeat(129), message: "m" }),
        /^key must be 1 to 128 characters .*\(got 129 characters\)/,
      ],
      [
        () => t.notifications.deleteNotificationsByKey({ key: "" }),
        /^key must be 1 to 128 characters .*\(got an empty string\)/,
      ],
      [
        () => t.notifications.markNotificationsReadByKey({ key: "a b" }),
        /^key must be 1 to 128 characters of A-Z/,
      ],
      [
        () => t.notifications.updateNotificationsByKey({ key: "k" }),
        /^an update by key must change something/,
      ],
      [
        () => t.notifications.updateNotificationsByKey({ key: "k", message: "" }),
        /^message must be 1 to 255 characters/,
      ],
      [
        () => t.notifications.updateNotificationsByKey({ key: "k", removeProperties: [""] }),
        /^remove_properties entries must be 1 to 64 characters/,
      ],
    ];
    for (const [call, message] of cases) {
      const error = await call().then(() => undefined, ConnectError.from);
      expect(error?.code, String(message)).toBe(Code.InvalidArgument);
      expect(error?.rawMessage).toMatch(message);
    }
  });
});
