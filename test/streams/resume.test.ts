import { type Client, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import {
  type ServiceUnderTest,
  startServiceUnderTest,
  storeKinds,
} from "../support/service-under-test.js";
import { createNotification } from "./create-notification.js";
import { patiently, StreamReader } from "./stream-reader.js";

describe.each(storeKinds)("Subscribe with after: replay, then live (%s store)", (kind) => {
  let sut: ServiceUnderTest;
  let notifications: Client<typeof NotificationService>;
  const readers: StreamReader[] = [];
  let users = 0;

  beforeAll(async () => {
    sut = await startServiceUnderTest(kind);
    notifications = createClient(
      NotificationService,
      createConnectTransport({ baseUrl: sut.baseUrl, httpVersion: "2" }),
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
  const create = async (username: string) => (await createNotification(notifications, username)).id;

  it("replays the stored notifications newer than after, oldest first, then goes live", async () => {
    const username = `replay-${users++}`;
    const stored: string[] = [];
    for (let i = 0; i < 5; i++) stored.push(await create(username));
    const reader = subscribe(username, stored[1]);
    await reader.until((r) => r.ids().length === 3, "the replay");
    const live = await create(username);
    await reader.until((r) => r.ids().includes(live), "the live notification");
    expect(reader.kinds()).toEqual([
      "state",
      "notification",
      "notification",
      "notification",
      "notification",
    ]);
    expect(reader.ids()).toEqual([...stored.slice(2), live]);
  });

  it("tells a resuming client what was deleted and cleared while it was away", async () => {
    const username = `away-${users++}`;
    const [a, b, c] = [await create(username), await create(username), await create(username)];
    // The client holds a, b and c, and goes away; b is deleted meanwhile.
    await notifications.deleteNotifications({ username, ids: [b] });
    const first = subscribe(username, c);
    await first.until((r) => r.kinds().length === 2, "the deleted event");
    expect(first.events[1]?.event).toEqual({
      case: "deleted",
      value: expect.objectContaining({ ids: [b] }),
    });
    await first.cancel();

    // Away again: everything is deleted, then d is created.
    await notifications.deleteNotifications({ username, all: true });
    const d = await create(username);
    const second = subscribe(username, c);
    await second.until((r) => r.ids().includes(d), "the replay of d");
    expect(second.kinds()).toEqual(["state", "cleared", "notification"]);
    // The mark is the newest id the delete-all saw: a client holding up to c drops them all.
    expect(second.events[1]?.event).toEqual({
      case: "cleared",
      value: expect.objectContaining({ upTo: c, ids: [] }),
    });
    expect(second.ids()).toEqual([d]);
    expect(a < c).toBe(true);
  });

  it("neither skips nor repeats a notification when creates race the replay, round after round", async () => {
    for (let round = 0; round < 20; round++) {
      const username = `race-${users++}`;
      const created: string[] = [];
      for (let i = 0; i < 3; i++) created.push(await create(username));
      const after = created[1] ?? "";
      let stop = false;
      // Two writers keep creating from before the subscription until well after it is live.
      const writer = async () => {
        while (!stop) created.push(await create(username));
      };
      const writers = Promise.all([writer(), writer()]);
      await vi.waitFor(
        () => expect(created.length, "creates before subscribing").toBeGreaterThanOrEqual(6),
        patiently,
      );
      const reader = subscribe(username, after);
      await reader.live();
      const liveFrom = created.length;
      await vi.waitFor(
        () =>
          expect(created.length, "creates after going live").toBeGreaterThanOrEqual(liveFrom + 4),
        patiently,
      );
      stop = true;
      await writers;
      // Everything created so far arrives before this one (one instance publishes in id order).
      const last = await create(username);
      await reader.until((r) => r.ids().includes(last), `round ${round}: the last notification`);
      await reader.cancel();
      const expected = [...created.filter((id) => id > after).sort(), last];
      expect(reader.ids(), `round ${round}`).toEqual(expected);
    }
  });
});
