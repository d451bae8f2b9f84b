import { Code, ConnectError } from "@connectrpc/connect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { storeKinds } from "../support/service-under-test.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

const request = {
  category: "new-follower",
  message: "Bob followed you",
  properties: { follower: "bob" },
};

describe.each(storeKinds)("CreateNotifications on the %s store", (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({}, kind);
  });
  afterEach(async () => {
    await t.close();
  });

  const idsOf = async (username: string) =>
    (await t.notifications.listNotifications({ username, pageSize: 1000 })).notifications.map(
      (n) => n.id,
    );

  it("gives each user a copy with its own id, answering a result per user in request order", async () => {
    const usernames = Array.from({ length: 50 }, (_, i) => `user${i}`);
    const res = await t.notifications.createNotifications({ ...request, usernames });
    expect(res.results.map((r) => r.username)).toEqual(usernames);
    const ids = res.results.map((r) => r.notification?.id);
    expect(new Set(ids).size).toBe(50);
    for (const [i, result] of res.results.entries()) {
      expect(result.error).toBeUndefined();
      expect(result.replayed).toBe(false);
      expect(result.notification?.message).toBe("Bob followed you");
      expect(result.notification?.properties).toEqual({ follower: "bob" });
      expect(await idsOf(usernames[i] ?? "")).toEqual([result.notification?.id]);
    }
  });

  it("a bad username fails only its own entry, naming it", async () => {
    const res = await t.notifications.createNotifications({
      ...request,
      usernames: ["ann", "not valid", "bob", ""],
    });
    expect(res.results.map((r) => r.error?.code ?? "ok")).toEqual([
      "ok",
      "invalid_argument",
      "ok",
      "invalid_argument",
    ]);
    expect(res.results[1]?.error?.message).toMatch(/^usernames\[1\] must be 1 to 128 characters/);
    expect(res.results[3]?.error?.message).toMatch(/^usernames\[3\] .*an empty string/);
    expect(res.results[1]?.notification).toBeUndefined();
    expect(await idsOf("ann")).toHaveLength(1);
    expect(await idsOf("bob")).toHaveLength(1);
  });

  it("a user named twice gets one copy, answered to both entries", async () => {
    const res = await t.notifications.createNotifications({
      ...request,
      usernames: ["ann", "bob", "ann"],
    });
    expect(res.results[0]?.notification?.id).toBe(res.results[2]?.notification?.id);
    expect(await idsOf("ann")).toEqual([res.results[0]?.notification?.id]);
  });

  it("refuses more than 1000 users, or none, naming usernames, and stores nothing", async () => {
    const many = Array.from({ length: 1001 }, (_, i) => `u${i}`);
    await expect(
      t.notifications.createNotifications({ ...request, usernames: many }),
    ).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: "usernames must name 1 to 1000 users (got 1001)",
    });
    await expect(
      t.notifications.createNotifications({ ...request, usernames: [] }),
    ).rejects.toMatchObject({ code: Code.InvalidArgument, rawMessage: /^usernames must name/ });
    expect(await idsOf("u0")).toEqual([]);
  });

  it("refuses bad content for the whole call, naming the field", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ category: "x" }, /^category must be 3 to 20 characters/],
      [{ message: "" }, /^message must be 1 to 255 characters/],
      [{ key: "k".repeat(129) }, /^key must be 1 to 128 characters .*\(got 129 characters\)/],
      [{ key: "has/slash" }, /^key must be 1 to 128 characters of A-Z a-z 0-9 \. _ - : @ \+/],
      [{ idempotencyKey: "with space" }, /^idempotency_key \(REST: the Idempotency-Key header\)/],
      [{ idempotencyKey: "i".repeat(129) }, /^idempotency_key .*\(got 129 characters\)/],
    ];
    for (const [fields, message] of cases) {
      const error = await t.notifications
        .createNotifications({ ...request, usernames: ["ann"], ...fields })
        .then(() => undefined, ConnectError.from);
      expect(error?.code, JSON.stringify(fields)).toBe(Code.InvalidArgument);
      expect(error?.rawMessage).toMatch(message);
    }
    expect(await idsOf("ann")).toEqual([]);
  });

  it("with an idempotency key, a retry answers the same copies, replayed, and stores nothing new", async () => {
    const usernames = ["ann", "bob", "cid"];
    const first = await t.notifications.createNotifications({
      ...request,
      usernames,
      idempotencyKey: "follow-42",
    });
    // A retry that adds a user: the others replay, the new one gets its copy.
    const retry = await t.notifications.createNotifications({
      ...request,
      usernames: [...usernames, "dan"],
      idempotencyKey: "follow-42",
    });
    expect(retry.results.slice(0, 3).map((r) => r.notification?.id)).toEqual(
      first.results.map((r) => r.notification?.id),
    );
    expect(retry.results.map((r) => r.replayed)).toEqual([true, true, true, false]);
    expect(retry.results[0]?.notification?.createdAt).toEqual(
      first.results[0]?.notification?.createdAt,
    );
    for (const username of usernames) expect(await idsOf(username)).toHaveLength(1);
    // The same key for a single create of the same content replays too.
    const single = await t.notifications.createNotification({
      username: "ann",
      ...request,
      idempotencyKey: "follow-42",
    });
    expect(single.replayed).toBe(true);
    expect(single.notification?.id).toBe(first.results[0]?.notification?.id);
  });

  it("an idempotency key reused for another notification fails each such user, naming the key", async () => {
    await t.notifications.createNotifications({
      ...request,
      usernames: ["ann"],
      idempotencyKey: "k1",
    });
    const res = await t.notifications.createNotifications({
      ...request,
      message: "Someone else followed you",
      usernames: ["ann", "bob"],
      idempotencyKey: "k1",
    });
    expect(res.results[0]?.error?.code).toBe("invalid_argument");
    expect(res.results[0]?.error?.message).toMatch(
      /^idempotency_key was used within the idempotency window for a different notification/,
    );
    expect(res.results[1]?.notification?.message).toBe("Someone else followed you");
    expect(await idsOf("ann")).toHaveLength(1);
  });

  it("a user who muted the category gets nothing, answered suppressed in its own entry", async () => {
    await t.preferences.updatePreferences({
      username: "bob",
      preferences: { categories: { "new-follower": { inApp: false } } },
    });
    const res = await t.notifications.createNotifications({
      ...request,
      usernames: ["ann", "bob"],
    });
    expect(res.results.map((r) => [r.suppressed, r.notification !== undefined])).toEqual([
      [false, true],
      [true, false],
    ]);
    expect(await idsOf("bob")).toEqual([]);
    await t.topics.addTopicSubscribers({ topic: "follows", usernames: ["ann", "bob"] });
    const { job } = await t.topics.publishToTopic({ topic: "follows", ...request });
    await t.app.jobs.settled(job?.id ?? "");
    // Suppressed counts as done: the recipient was handled as its preferences say.
    expect((await t.jobs.getJob({ jobId: job?.id ?? "" })).job).toMatchObject({
      done: 2n,
      failed: 0n,
    });
    expect(await idsOf("bob")).toEqual([]);
    expect(await idsOf("ann")).toHaveLength(2);
  });

  it("a key puts every user into the key index", async () => {
    await t.notifications.createNotifications({
      ...request,
      key: "comment:8812",
      usernames: ["ann", "bob"],
    });
    await t.notifications.createNotification({ username: "cid", ...request, key: "comment:8812" });
    const page = await t.app.deps.repositories.keyIndex.scan("comment:8812", undefined, 10);
    expect(page.members.map((m) => m.member).sort()).toEqual(["ann", "bob", "cid"]);
    const listed = await t.notifications.listNotifications({ username: "ann" });
    expect(listed.notifications[0]?.key).toBe("comment:8812");
  });
});
