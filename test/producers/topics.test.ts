import { Code, ConnectError } from "@connectrpc/connect";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { JobState } from "../../src/gen/notification/v1/notification_pb.js";
import { patiently, StreamReader } from "../streams/stream-reader.js";
import { testAppOptions } from "../support/module-options.js";
import { storeKinds } from "../support/service-under-test.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

const content = { category: "release", message: "1.2 is out", properties: { version: "1.2" } };
const defaults = testAppOptions().producers;
const users = (n: number, prefix = "u") => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe.each(storeKinds)("TopicService on the %s store", (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ producers: { ...defaults, shardCapacity: 40, batchSize: 25 } }, kind);
  });
  afterEach(async () => {
    await t.close();
  });

  async function allSubscribers(topic: string, pageSize: number): Promise<string[]> {
    const out: string[] = [];
    let pageToken = "";
    for (;;) {
      const page = await t.topics.listTopicSubscribers({ topic, pageSize, pageToken });
      out.push(...page.usernames);
      if (page.nextPageToken === "") return out;
      pageToken = page.nextPageToken;
    }
  }

  it("adds, lists in pages and removes subscribers, counting them", async () => {
    expect(
      (await t.topics.addTopicSubscribers({ topic: "team:web", usernames: users(300) }))
        .subscriberCount,
    ).toBe(300n);
    expect(
      (await t.topics.addTopicSubscribers({ topic: "team:web", usernames: ["u1", "new"] }))
        .subscriberCount,
    ).toBe(301n);
    const listed = await allSubscribers("team:web", 70);
    expect(listed).toHaveLength(301);
    expect([...listed].sort()).toEqual([...users(300), "new"].sort());
    expect(
      (await t.topics.removeTopicSubscribers({ topic: "team:web", usernames: ["u0", "nobody"] }))
        .subscriberCount,
    ).toBe(300n);
    const page = await t.topics.listTopicSubscribers({ topic: "team:web" });
    expect(page.usernames).toHaveLength(100);
    expect(page.subscriberCount).toBe(300n);
    expect(await allSubscribers("team:web", 1000)).not.toContain("u0");
  });

  it("refuses bad input naming the field", async () => {
    const cases: [() => Promise<unknown>, RegExp][] = [
      [
        () => t.topics.addTopicSubscribers({ topic: "has space", usernames: ["ann"] }),
        /^topic must be 1 to 128 characters/,
      ],
      [
        () => t.topics.addTopicSubscribers({ topic: "t", usernames: ["ann", "b c"] }),
        /^usernames\[1\] must be/,
      ],
      [
        () => t.topics.addTopicSubscribers({ topic: "t", usernames: users(1001) }),
        /^usernames must name 1 to 1000 users \(got 1001\)/,
      ],
      [() => t.topics.removeTopicSubscribers({ topic: "t", usernames: [] }), /^usernames must/],
      [
        () => t.topics.listTopicSubscribers({ topic: "t", pageToken: "bm9wZQ" }),
        /^page_token is not a token this service issued/,
      ],
      [() => t.topics.listTopicSubscribers({ topic: "t", pageSize: -1 }), /^page_size must not/],
      [
        () => t.topics.publishToTopic({ topic: "t", ...content, category: "x" }),
        /^category must be 3 to 20/,
      ],
      [
        () => t.topics.publishToTopic({ topic: "t", ...content, key: "k".repeat(129) }),
        /^key must be 1 to 128 characters/,
      ],
      [
        () => t.topics.publishToTopic({ topic: "t", ...content, ephemeral: true, key: "k" }),
        /^key and idempotency_key do not apply to an ephemeral publish/,
      ],
      [() => t.jobs.getJob({ jobId: "nope" }), /^job_id must be a job id/],
    ];
    for (const [call, message] of cases) {
      const error = await call().then(() => undefined, ConnectError.from);
      expect(error?.code, String(message)).toBe(Code.InvalidArgument);
      expect(error?.rawMessage).toMatch(message);
    }
  });

  it("publishing to a topic without subscribers is refused, naming the topic", async () => {
    await expect(t.topics.publishToTopic({ topic: "empty", ...content })).rejects.toMatchObject({
      code: Code.FailedPrecondition,
      rawMessage:
        'topic "empty" has no subscribers: add some (AddTopicSubscribers) before publishing',
    });
  });

  it("refuses an add past producers.topic_max_subscribers, adding none of it", async () => {
    const small = await createTestApp(
      { producers: { ...defaults, topicMaxSubscribers: 5 } },
      "embedded",
    );
    try {
      await small.topics.addTopicSubscribers({ topic: "t", usernames: users(4) });
      await expect(
        small.topics.addTopicSubscribers({ topic: "t", usernames: ["u3", "x", "y"] }),
      ).rejects.toMatchObject({
        code: Code.FailedPrecondition,
        rawMessage: 'topic "t" has 4 subscribers: adding 2 more would pass the limit of 5',
      });
      expect((await small.topics.listTopicSubscribers({ topic: "t" })).subscriberCount).toBe(4n);
    } finally {
      await small.close();
    }
  });

  it("a publish is a job that gives every subscriber one copy; GetJob reports it done", async () => {
    const members = users(230);
    await t.topics.addTopicSubscribers({ topic: "news", usernames: members });
    const { job } = await t.topics.publishToTopic({
      topic: "news",
      ...content,
      key: "release:1.2",
    });
    expect(job?.kind).toBe("publish_to_topic");
    expect(job?.total).toBe(230n);
    await t.app.jobs.settled(job?.id ?? "");
    const done = (await t.jobs.getJob({ jobId: job?.id ?? "" })).job;
    expect(done).toMatchObject({ state: JobState.DONE, total: 230n, done: 230n, failed: 0n });
    for (const username of members) {
      const listed = await t.notifications.listNotifications({ username });
      expect(listed.notifications.map((n) => [n.message, n.key])).toEqual([
        ["1.2 is out", "release:1.2"],
      ]);
    }
    const indexed = await t.app.deps.repositories.keyIndex.count("release:1.2");
    expect(indexed).toBe(230);
  });

  it("a republish with the same idempotency key is the same job; another body is refused", async () => {
    await t.topics.addTopicSubscribers({ topic: "news", usernames: users(30) });
    const first = await t.topics.publishToTopic({
      topic: "news",
      ...content,
      idempotencyKey: "r1",
    });
    const again = await t.topics.publishToTopic({
      topic: "news",
      ...content,
      idempotencyKey: "r1",
    });
    expect(again.job?.id).toBe(first.job?.id);
    await t.app.jobs.settled(first.job?.id ?? "");
    const after = await t.topics.publishToTopic({
      topic: "news",
      ...content,
      idempotencyKey: "r1",
    });
    expect(after.job).toMatchObject({ id: first.job?.id, state: JobState.DONE, done: 30n });
    await expect(
      t.topics.publishToTopic({
        topic: "news",
        ...content,
        message: "other",
        idempotencyKey: "r1",
      }),
    ).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: /^idempotency_key was used within the idempotency window for a different publish/,
    });
    const listed = await t.notifications.listNotifications({ username: "u7" });
    expect(listed.notifications).toHaveLength(1);
  });

  it("GetJob of an unknown job is NOT_FOUND", async () => {
    await expect(t.jobs.getJob({ jobId: "2Q1Ds5JW7ZeHazdbdi0AnJ2fMOM" })).rejects.toMatchObject({
      code: Code.NotFound,
      rawMessage: "there is no job 2Q1Ds5JW7ZeHazdbdi0AnJ2fMOM",
    });
  });

  it("an ephemeral publish reaches the live streams of subscribers only, and stores nothing", async () => {
    await t.topics.addTopicSubscribers({ topic: "live", usernames: ["ann", "bob"] });
    const ann = StreamReader.open(t.transport, { username: "ann" });
    const cid = StreamReader.open(t.transport, { username: "cid" });
    try {
      await Promise.all([ann.live(), cid.live()]);
      const res = await t.topics.publishToTopic({ topic: "live", ...content, ephemeral: true });
      expect(res.job).toBeUndefined();
      expect(res.subscriberCount).toBe(1n);
      await vi.waitFor(() => expect(ann.kinds()).toEqual(["state", "broadcast"]), patiently);
      const event = ann.events[1]?.event;
      expect(event?.case === "broadcast" && event.value).toMatchObject({
        topic: "live",
        category: "release",
        message: "1.2 is out",
        properties: { version: "1.2" },
      });
      expect(cid.kinds()).toEqual(["state"]);
      expect((await t.notifications.listNotifications({ username: "ann" })).notifications).toEqual(
        [],
      );
    } finally {
      await Promise.all([ann.cancel(), cid.cancel()]);
    }
  });

  it("a publish's copies reach live subscribers as notification events", async () => {
    await t.topics.addTopicSubscribers({ topic: "news", usernames: ["ann", "bob"] });
    const ann = StreamReader.open(t.transport, { username: "ann" });
    try {
      await ann.live();
      const { job } = await t.topics.publishToTopic({ topic: "news", ...content });
      await t.app.jobs.settled(job?.id ?? "");
      await vi.waitFor(
        () => expect(ann.notifications().map((n) => n.message)).toEqual(["1.2 is out"]),
        patiently,
      );
    } finally {
      await ann.cancel();
    }
  });
});
