import { type Client, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import {
  type ServiceUnderTest,
  startServiceUnderTest,
  storeKinds,
} from "../support/service-under-test.js";
import { StreamReader } from "./stream-reader.js";

// Subscribe over inboxes whose older notifications are sealed in segments:
// the state counts what the segments hold, a resume replays out of them, and
// the live feed neither repeats nor skips what they hold.
describe.each(storeKinds)("Subscribe over sealed notifications (%s store)", (kind) => {
  let sut: ServiceUnderTest;
  let notifications: Client<typeof NotificationService>;
  const readers: StreamReader[] = [];

  beforeAll(async () => {
    sut = await startServiceUnderTest(kind);
    notifications = createClient(
      NotificationService,
      createConnectTransport({ baseUrl: sut.baseUrl, httpVersion: "1.1" }),
    );
  });
  afterEach(async () => {
    await Promise.all(readers.splice(0).map((r) => r.cancel()));
  });
  afterAll(async () => {
    await sut.close();
  });

  const subscribe = (username: string, after = "") => {
    const reader = StreamReader.open(createGrpcTransport({ baseUrl: sut.baseUrl }), {
      username,
      after,
    });
    readers.push(reader);
    return reader;
  };
  /** Creates `count` notifications one by one; their ids, newest first. */
  const createMany = async (username: string, count: number) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const res = await notifications.createNotification({
        username,
        category: "like",
        message: `${i}`,
      });
      ids.unshift(res.notification?.id ?? "");
    }
    return ids;
  };

  it("counts the unseen notifications the segments hold in its state", async () => {
    const older = await createMany("sealed-count", 150);
    const never = subscribe("sealed-count");
    await never.live();
    expect(never.events[0]?.event.value).toMatchObject({ unseenCount: 150, newestId: older[0] });

    await notifications.listNotifications({ username: "sealed-count" });
    const newer = await createMany("sealed-count", 70);
    const reader = subscribe("sealed-count");
    await reader.live();
    expect(reader.events[0]?.event.value).toMatchObject({ unseenCount: 70, newestId: newer[0] });
  });

  it("resumes after an id deep in the segments: everything newer, oldest first, each once", async () => {
    const ids = await createMany("sealed-resume", 200);
    const after = ids[150] ?? "";
    const reader = subscribe("sealed-resume", after);
    await reader.until((r) => r.ids().length >= 150, "the replay");
    const live = await createMany("sealed-resume", 1);
    await reader.until((r) => r.ids().includes(live[0] ?? ""), "the live notification");
    expect(reader.ids()).toEqual([...ids.slice(0, 150).reverse(), ...live]);
  });
});
