import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ServiceUnderTest,
  startServiceUnderTest,
} from "../../../test/support/service-under-test.js";
import { Code, createNotificationClient, JobState, type SubscribeEvent } from "../src/index.js";
import { protocols } from "./protocols.js";

let sut: ServiceUnderTest;
beforeAll(async () => {
  sut = await startServiceUnderTest("embedded");
});
afterAll(async () => {
  await sut.close();
});

const content = { category: "release", message: "1.2 is out" };

describe.each(protocols)("the producer calls over %s", (name, options) => {
  const id = (what: string) => `${what}-${name}`;

  it("fans out with a result per user, and retries safely with an idempotency key", async () => {
    const client = createNotificationClient(sut.baseUrl, options);
    const usernames = [id("ann"), "bad name", id("bob")];
    const results = await client.createNotifications(usernames, {
      ...content,
      key: id("k"),
      idempotencyKey: id("once"),
    });
    expect(results.map((r) => r.error?.code ?? "ok")).toEqual(["ok", "invalid_argument", "ok"]);
    const retry = await client.createNotifications(usernames, {
      ...content,
      key: id("k"),
      idempotencyKey: id("once"),
    });
    expect(retry[0]?.replayed).toBe(true);
    expect(retry[0]?.notification?.id).toBe(results[0]?.notification?.id);
    const single = await client.createNotification(id("ann"), {
      ...content,
      key: id("k"),
      idempotencyKey: id("once"),
    });
    expect(single?.id).toBe(results[0]?.notification?.id);
  });

  it("manages a topic, publishes to it and waits for the job", async () => {
    const client = createNotificationClient(sut.baseUrl, options);
    const topic = id("topic");
    const members = Array.from({ length: 120 }, (_, i) => id(`m${i}`));
    expect(await client.addTopicSubscribers(topic, members)).toBe(120);
    expect(await client.removeTopicSubscribers(topic, [members[0] ?? ""])).toBe(119);
    const listed: string[] = [];
    for await (const username of client.listAllTopicSubscribers(topic, { pageSize: 50 })) {
      listed.push(username);
    }
    expect(listed.sort()).toEqual(members.slice(1).sort());
    const job = await client.publishToTopic(topic, { ...content, key: id("release") });
    const done = await client.waitForJob(job.id, { intervalMs: 20 });
    expect(done).toMatchObject({ state: JobState.DONE, total: 119n, done: 119n, failed: 0n });
    const page = await client.listNotifications(members[5] ?? "");
    expect(page.notifications.map((n) => n.key)).toEqual([id("release")]);
  });

  it("updates and deletes every copy by key; a subscriber sees updated, and a broadcast", async () => {
    const client = createNotificationClient(sut.baseUrl, options);
    const user = id("sub");
    await client.addTopicSubscribers(id("live"), [user]);
    const created = await client.createNotification(user, { ...content, key: id("edit") });
    const events: SubscribeEvent[] = [];
    const stop = new AbortController();
    const reading = (async () => {
      for await (const event of client.subscribe(user, { signal: stop.signal })) {
        events.push(event);
        if (events.length === 3) stop.abort();
      }
    })();
    while (events.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const updated = await client.updateNotificationsByKey(id("edit"), { message: "1.2.1 is out" });
    expect(updated.state).toBe(JobState.DONE);
    expect(
      await client.broadcastToTopic(id("live"), { category: "status", message: "deploying" }),
    ).toBe(1);
    await reading;
    expect(events.map((e) => e.case)).toEqual(["state", "updated", "broadcast"]);
    const change = events[1];
    expect(change?.case === "updated" && change.value.notification).toMatchObject({
      id: created?.id,
      message: "1.2.1 is out",
    });
    expect((await client.markNotificationsReadByKey(id("edit"))).state).toBe(JobState.DONE);
    expect((await client.listNotifications(user)).notifications[0]?.read).toBe(true);
    await client.deleteNotificationsByKey(id("edit"));
    expect((await client.listNotifications(user)).notifications).toEqual([]);
  });

  it("refuses bad input with INVALID_ARGUMENT naming the field", async () => {
    const client = createNotificationClient(sut.baseUrl, options);
    await expect(client.publishToTopic("bad topic", content)).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: /^topic must be 1 to 128 characters/,
    });
    await expect(client.getJob("nope")).rejects.toMatchObject({ code: Code.InvalidArgument });
  });
});
