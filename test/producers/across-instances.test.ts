import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { describe, expect, it, vi } from "vitest";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { TopicService } from "../../src/gen/notification/v1/topic_pb.js";
import { redisServerProgram } from "../streams/redis-server.js";
import { patiently } from "../streams/stream-reader.js";
import { useTwoInstances } from "../streams/two-instances.js";
import type { ServiceUnderTest } from "../support/service-under-test.js";

// Skipped, with one line naming the Debian package, where redis-server is not installed.
const describeWithRedis = describe.skipIf(redisServerProgram === undefined);

// Producers' events reach live subscribers on other instances: two instances
// on one Riak cluster, sharing a real redis-server.
describeWithRedis("producer events across instances over Redis", () => {
  const instances = useTwoInstances();

  const clients = (sut: ServiceUnderTest) => {
    const transport = createConnectTransport({ baseUrl: sut.baseUrl, httpVersion: "1.1" });
    return {
      notifications: createClient(NotificationService, transport),
      topics: createClient(TopicService, transport),
    };
  };
  const subscribe = async (sut: ServiceUnderTest, username: string) => {
    const reader = instances.subscribe(sut, username);
    await reader.live();
    return reader;
  };

  it("a broadcast published through one instance reaches a stream on the other", async () => {
    const { a, b } = instances;
    await clients(a).topics.addTopicSubscribers({ topic: "ops", usernames: ["ann", "bob"] });
    const ann = await subscribe(b, "ann");
    const res = await clients(a).topics.publishToTopic({
      topic: "ops",
      category: "status",
      message: "deploying",
      ephemeral: true,
    });
    expect(res.subscriberCount).toBe(1n);
    await vi.waitFor(() => expect(ann.kinds()).toEqual(["state", "broadcast"]), patiently);
  });

  it("a topic job's copies, and updates and deletes by key, reach streams on the other instance", async () => {
    const { a, b } = instances;
    await clients(a).topics.addTopicSubscribers({ topic: "news", usernames: ["cid", "dan"] });
    const cid = await subscribe(b, "cid");
    await clients(a).topics.publishToTopic({
      topic: "news",
      category: "release",
      message: "1.2 is out",
      key: "release:1.2",
    });
    await vi.waitFor(
      () => expect(cid.notifications().map((n) => n.key)).toEqual(["release:1.2"]),
      patiently,
    );
    await clients(b).notifications.updateNotificationsByKey({
      key: "release:1.2",
      message: "1.2.1",
    });
    await clients(a).notifications.deleteNotificationsByKey({ key: "release:1.2" });
    await vi.waitFor(
      () => expect(cid.kinds()).toEqual(["state", "notification", "updated", "deleted"]),
      patiently,
    );
    const updated = cid.events[2]?.event;
    expect(updated?.case === "updated" && updated.value.notification?.message).toBe("1.2.1");
  });
});
