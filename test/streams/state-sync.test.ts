import { type Client, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Notification,
  NotificationService,
  ReadFilter,
} from "../../src/gen/notification/v1/notification_pb.js";
import type { ServiceUnderTest } from "../support/service-under-test.js";
import { InboxMirror, type MirroredState } from "./inbox-mirror.js";
import { redisServerProgram } from "./redis-server.js";
import type { StreamReader } from "./stream-reader.js";
import { useTwoInstances } from "./two-instances.js";

// Contract §7.5: two service instances on one Riak test cluster, fanning out
// over a real redis-server. Every subscriber of a user, on either instance,
// ends on the counts and the per-notification states that storage holds,
// whichever instance took the change; one that was away resumes and ends
// there too.

const describeWithRedis = describe.skipIf(redisServerProgram === undefined);

describeWithRedis("live inbox state across instances over Redis", () => {
  const instances = useTwoInstances();
  const { subscribe } = instances;
  let a: ServiceUnderTest;
  let b: ServiceUnderTest;
  beforeAll(() => {
    ({ a, b } = instances);
  });
  let users = 0;

  const client = (sut: ServiceUnderTest): Client<typeof NotificationService> =>
    createClient(
      NotificationService,
      createConnectTransport({ baseUrl: sut.baseUrl, httpVersion: "1.1" }),
    );
  const create = async (sut: ServiceUnderTest, username: string, category = "like") =>
    (await client(sut).createNotification({ username, category, message: `a ${category}` }))
      .notification?.id ?? "";

  /**
   * What storage holds for the user: the inbox view's counts and every
   * notification's state, listed by read state so that no listing is the
   * unfiltered inbox view, whose first page would move the cursor.
   */
  async function stored(username: string) {
    const all: Notification[] = [];
    for (const archived of [false, true]) {
      for (const read of [ReadFilter.UNREAD, ReadFilter.READ]) {
        const filter = { archived, read };
        all.push(
          ...(await client(a).listNotifications({ username, pageSize: 1000, filter }))
            .notifications,
        );
      }
    }
    const states = new Map<string, MirroredState>(
      all.map((n) => [n.id, { read: n.read, archived: n.archived }]),
    );
    const { total, unseen, unread } = await client(b).countNotifications({ username });
    return { states, counts: { total, unseen, unread } };
  }

  /** The mirror of everything the readers received, in order (a resumed client keeps what it held). */
  function mirrorOf(...sessions: StreamReader[]): InboxMirror {
    const mirror = new InboxMirror();
    for (const session of sessions) for (const event of session.events) mirror.apply(event);
    return mirror;
  }

  /** Waits until the mirror of `sessions` holds what storage holds. */
  async function converges(username: string, what: string, ...sessions: StreamReader[]) {
    const expected = await stored(username);
    const last = sessions.at(-1) as StreamReader;
    await last.until(
      () => {
        const mirror = mirrorOf(...sessions);
        return (
          JSON.stringify(mirror.counts) === JSON.stringify(expected.counts) &&
          JSON.stringify([...mirror.states()].sort()) ===
            JSON.stringify([...expected.states].sort())
        );
      },
      `${what}: ${JSON.stringify(expected.counts)}, got ${JSON.stringify(mirrorOf(...sessions).counts)}`,
    );
    return expected;
  }

  it("a mark, archive or seen through either instance reaches every subscriber on both with identical counts", async () => {
    const username = `sync-${users++}`;
    const onA = subscribe(a, username);
    const onB = subscribe(b, username, "", "Connect over HTTP/1.1");
    await Promise.all([onA.live(), onB.live()]);
    const ids = [
      await create(a, username),
      await create(b, username, "comment"),
      await create(a, username),
      await create(b, username),
    ];
    const steps: [string, string, () => Promise<unknown>][] = [
      [
        "read",
        "a mark read through a",
        () => client(a).markNotificationsRead({ username, ids: [ids[0] ?? ""] }),
      ],
      [
        "archived",
        "an archive through b",
        () => client(b).archiveNotifications({ username, ids: [ids[1] ?? ""] }),
      ],
      [
        "seen",
        "a seen move through a",
        () => client(a).markNotificationsSeen({ username, upTo: ids[2] ?? "" }),
      ],
      [
        "readAll",
        "a mark-all-read through b",
        () =>
          client(b).markNotificationsRead({
            username,
            all: true,
            filter: { categories: ["like"] },
          }),
      ],
      [
        "read",
        "a mark unread through a",
        () => client(a).markNotificationsUnread({ username, ids: [ids[3] ?? ""] }),
      ],
      [
        "archivedAll",
        "an archive of the read through b",
        () =>
          client(b).archiveNotifications({
            username,
            all: true,
            filter: { read: ReadFilter.READ },
          }),
      ],
      [
        "archived",
        "an unarchive through a",
        () => client(a).unarchiveNotifications({ username, ids: [ids[0] ?? ""] }),
      ],
      ["seen", "a first page through b", () => client(b).listNotifications({ username })],
    ];
    for (const [kind, what, step] of steps) {
      const seenBefore = [onA, onB].map((r) => r.kinds().filter((k) => k === kind).length);
      await step();
      await Promise.all(
        [onA, onB].map((r, i) =>
          r.until(
            (x) => x.kinds().filter((k) => k === kind).length > (seenBefore[i] ?? 0),
            `${what}: a ${kind} event`,
          ),
        ),
      );
      await converges(username, `${what} (on a)`, onA);
      await converges(username, `${what} (on b)`, onB);
      expect(mirrorOf(onA).counts).toEqual(mirrorOf(onB).counts);
    }
  });

  it("a subscriber that was away resumes on the other instance and converges with one that never left", async () => {
    const username = `away-${users++}`;
    const stay = subscribe(a, username);
    const away = subscribe(b, username, "", "Connect over HTTP/1.1");
    await Promise.all([stay.live(), away.live()]);
    const ids = [
      await create(a, username),
      await create(b, username),
      await create(a, username, "comment"),
    ];
    await client(a).archiveNotifications({ username, ids: [ids[1] ?? ""] });
    await converges(username, "before leaving", away);
    await away.cancel();
    const held = [
      ...away.ids(),
      ...away.events.flatMap((e) => (e.event.case === "state" ? [e.event.value.newestId] : [])),
    ];
    const after = held.sort().at(-1) ?? "";

    // While away: the archived one comes back, everything in the inbox is
    // marked read, it is archived again; a new one is read; the bell is
    // opened; the oldest is deleted.
    await client(b).unarchiveNotifications({ username, ids: [ids[1] ?? ""] });
    await client(a).markNotificationsRead({ username, all: true });
    await client(b).archiveNotifications({ username, ids: [ids[1] ?? ""] });
    const later = await create(a, username);
    await client(b).markNotificationsRead({ username, ids: [later] });
    await client(a).markNotificationsSeen({ username });
    await client(b).deleteNotifications({ username, ids: [ids[0] ?? ""] });
    const expected = await converges(username, "the one that stayed", stay);

    const resumed = subscribe(a, username, after);
    await converges(username, "the one that resumed", away, resumed);
    expect(mirrorOf(away, resumed).resync).toBe(false);
    expect(mirrorOf(away, resumed).counts).toEqual(mirrorOf(stay).counts);
    expect(mirrorOf(away, resumed).states()).toEqual(expected.states);
    expect(expected.states.get(ids[1] ?? "")).toEqual({ read: true, archived: true });
  });

  it("concurrent mark-read and mark-unread of one id through two instances converge everywhere", async () => {
    const username = `tug-${users++}`;
    const onA = subscribe(a, username);
    const onB = subscribe(b, username, "", "Connect over HTTP/1.1");
    await Promise.all([onA.live(), onB.live()]);
    const id = await create(a, username);
    const other = await create(b, username);
    for (let round = 0; round < 8; round++) {
      await Promise.all([
        client(a).markNotificationsRead({ username, ids: [id, other] }),
        client(b).markNotificationsUnread({ username, ids: [id] }),
        client(b).archiveNotifications({ username, ids: [other] }),
        client(a).unarchiveNotifications({ username, ids: [other] }),
      ]);
      const [fromA, fromB] = await Promise.all(
        [a, b].map(async (sut) => (await client(sut).countNotifications({ username })).unread),
      );
      expect(fromB, `round ${round}: both instances read the same state`).toBe(fromA);
      await converges(username, `round ${round} (on a)`, onA);
      await converges(username, `round ${round} (on b)`, onB);
    }
  });
});
