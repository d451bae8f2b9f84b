import { type Client, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { type ServiceUnderTest, startServiceUnderTest } from "../support/service-under-test.js";
import { StreamReader } from "./stream-reader.js";

// Contract §7.5, resuming: state changes made after `after` are replayed as
// events (and those a little before it, which a client may hold `after`
// without having received), or the state says resync when the server cannot
// tell what the client missed. The service's clock is the test's, so that
// "a little before" and "long before" do not depend on how fast it runs.

describe("Subscribe with after: the state's replay", () => {
  let sut: ServiceUnderTest;
  let notifications: Client<typeof NotificationService>;
  let clock = Date.UTC(2026, 0, 5, 9, 0, 0);
  const readers: StreamReader[] = [];
  let users = 0;

  beforeAll(async () => {
    sut = await startServiceUnderTest(
      "embedded",
      { storage: { retention: 3 } },
      { now: () => clock },
    );
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

  const subscribe = (username: string, after: string) => {
    const reader = StreamReader.open(createGrpcTransport({ baseUrl: sut.baseUrl }), {
      username,
      after,
    });
    readers.push(reader);
    return reader;
  };
  const create = async (username: string) => {
    clock += 1000;
    return (
      (await notifications.createNotification({ username, category: "like", message: "hi" }))
        .notification?.id ?? ""
    );
  };
  /**
   * Waits for the state and the replay: a live deleted event, of an id
   * greater than any (which no replay names), marks their end.
   */
  const replayOf = async (reader: StreamReader, username: string) => {
    await reader.live();
    await notifications.deleteNotifications({ username, ids: ["z".repeat(27)] });
    await reader.until((r) => r.kinds().includes("deleted"), "the end of the replay");
    return reader.events.slice(0, reader.kinds().indexOf("deleted"));
  };

  it("replays a change made after after as its notifications' current state", async () => {
    const username = `replayed-${users++}`;
    const first = await create(username);
    const second = await create(username);
    clock += 60_000;
    await notifications.markNotificationsRead({ username, ids: [first] });
    await notifications.archiveNotifications({ username, all: true });
    const events = await replayOf(subscribe(username, second), username);
    expect(events.map((e) => e.event.case)).toEqual(["state", "read", "archived"]);
    expect(events[1]?.event.value).toMatchObject({ ids: [first], read: true });
    expect(events[2]?.event.value).toMatchObject({ ids: [first, second], archived: true });
    expect(events[2]?.counts).toMatchObject({ total: 0, unread: 0 });
  });

  it("replays a change made a little before after, and none made long before it", async () => {
    const username = `margin-${users++}`;
    const early = await create(username);
    await notifications.markNotificationsRead({ username, ids: [early] });
    const soon = await create(username);
    expect((await replayOf(subscribe(username, soon), username)).map((e) => e.event.case)).toEqual([
      "state",
      "read",
    ]);
    clock += 60_000;
    const late = await create(username);
    expect((await replayOf(subscribe(username, late), username)).map((e) => e.event.case)).toEqual([
      "state",
    ]);
  });

  it("says resync when the list is full and grew since after: what aged out is not announced", async () => {
    const username = `full-${users++}`;
    const held = [await create(username), await create(username), await create(username)];
    await create(username);
    const events = await replayOf(subscribe(username, held[2] ?? ""), username);
    expect(events.map((e) => e.event.case)).toEqual(["state"]);
    expect(events[0]?.event.value).toMatchObject({ resync: true, totalCount: 3 });
    // A list that is full but did not grow since after replays as usual.
    const still = await replayOf(
      subscribe(
        username,
        (await notifications.listNotifications({ username })).notifications[0]?.id ?? "",
      ),
      username,
    );
    expect(still[0]?.event.value).toMatchObject({ resync: false });
  });
});
