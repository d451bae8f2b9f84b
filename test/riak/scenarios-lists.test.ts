import { describe, expect, it, vi } from "vitest";
import { createIdGenerator } from "../../src/domain/ids.js";
import { emptyHead, mergeHeads } from "../../src/domain/inbox-head.js";
import type { StoredNotification } from "../../src/domain/notification.js";
import { decodeHead, encodeHead } from "../../src/storage/head-codec.js";
import {
  bucketType,
  create,
  type Instance,
  listedIds,
  newestFirst,
  notification,
  putRequests,
  useScenarios,
} from "./scenarios-support.js";

const { startCluster, openInstance, openInstances } = useScenarios();

/** Creates `count` notifications at once through one instance; resolves to their ids. */
const createMany = (instance: Instance, username: string, count: number) =>
  Promise.all(Array.from({ length: count }, () => create(instance, username)));

const readsWithSiblings = (instances: readonly Instance[]) =>
  instances.flatMap((instance) => instance.siblingsSeen).filter((count) => count > 1).length;

// Each scenario with the default head limit, where a user's 300 notifications seal a few
// times, and with a limit of 6, where they seal, compact and merge all the while.
describe.each([
  { headLimit: undefined, what: "the default head limit" },
  { headLimit: 6, what: "a head limit of 6: sealing and compacting all the while" },
])("inboxes written by three instances through three nodes ($what)", ({ headLimit }) => {
  const limit = headLimit === undefined ? {} : { headLimit };

  it("keep exactly the created minus the deleted: nothing lost, nothing resurrected", async () => {
    const cluster = await startCluster();
    const instances = await openInstances(cluster, 3, limit);
    const user = "ann";
    const acknowledged: string[] = [];
    const deleted = new Set<string>();
    // Every fourth acknowledged create is deleted later, mostly by another instance.
    const toDelete: string[] = [];
    let early: { values: readonly Uint8Array[]; context: Uint8Array | undefined } | undefined;

    const work = async (instance: Instance) => {
      for (let round = 0; round < 20; round += 1) {
        const victim = toDelete.shift();
        const [ids] = await Promise.all([
          createMany(instance, user, 5),
          victim && instance.repos.inboxes.change(user, { kind: "delete", ids: [victim] }),
        ]);
        if (victim) deleted.add(victim);
        for (const id of ids) {
          acknowledged.push(id);
          if (acknowledged.length % 4 === 0) toDelete.push(id);
        }
        // What a writer that read now and writes only at the end would hold.
        if (round === 8 && early === undefined) {
          early = await instance.riak.get("notifications", user);
        }
      }
    };
    await Promise.all(instances.map(work));

    expect(acknowledged).toHaveLength(300);
    expect(deleted.size).toBeGreaterThan(40);
    expect(readsWithSiblings(instances)).toBeGreaterThan(0);
    const expected = newestFirst(acknowledged.filter((id) => !deleted.has(id)));
    for (const instance of instances) expect(await listedIds(instance, user)).toEqual(expected);

    // A stale writer finally writes what it read mid-load: it holds notifications
    // deleted since, and lacks those created since. Merging it changes nothing.
    const [a, b, c] = instances as [Instance, Instance, Instance];
    const stale = early?.values[0];
    if (stale === undefined) throw new Error("the early read found no value");
    const staleIds = decodeHead(stale).notifications.map((n) => n.id);
    // (With a head limit of 6 the stale head holds a few notifications; its references name
    // segments compacted and deleted since.)
    if (headLimit === undefined) {
      expect(staleIds.filter((id) => deleted.has(id)).length).toBeGreaterThan(0);
    }
    await a.riak.put("notifications", user, stale, early?.context);
    expect(cluster.siblingCount(bucketType, "notifications", user)).toBeGreaterThan(1);
    for (const instance of instances) expect(await listedIds(instance, user)).toEqual(expected);

    // Further writes merge whatever siblings remain; still nothing comes back.
    const more = await Promise.all([create(a, user), create(b, user), create(c, user)]);
    await Promise.all(instances.map((instance) => instance.repos.idle()));
    for (const instance of instances) {
      expect(await listedIds(instance, user)).toEqual(newestFirst([...expected, ...more]));
    }
  });

  it("a delete-all racing with creates removes what it read and what sorts below its mark, and keeps the rest", async () => {
    const cluster = await startCluster();
    const instances = await openInstances(cluster, 3, limit);
    const [a, b, c] = instances as [Instance, Instance, Instance];
    const user = "bo";
    const acknowledged: string[] = [];
    let upTo = "";
    let before: string[] = [];
    let after: string[] = [];
    const creator = async (instance: Instance) => {
      for (let round = 0; round < 10; round += 1) {
        acknowledged.push(...(await createMany(instance, user, 5)));
      }
    };
    const clearer = async () => {
      before = await createMany(a, user, 5);
      await vi.waitFor(() => expect(acknowledged.length).toBeGreaterThanOrEqual(25), {
        interval: 1,
      });
      upTo = a.newId();
      [, after] = await Promise.all([
        a.repos.inboxes.change(user, { kind: "clear", upTo }),
        createMany(a, user, 5),
      ]);
    };
    await Promise.all([creator(b), creator(c), clearer()]);
    expect(readsWithSiblings(instances)).toBeGreaterThan(0);

    const listed = await listedIds(a, user);
    for (const instance of [b, c]) expect(await listedIds(instance, user)).toEqual(listed);
    // What the delete-all decided is in the stored object: its mark (the
    // newest id it knew of, at most upTo) and tombstones for what it read above.
    await a.repos.idle();
    const stored = await a.riak.get("notifications", user);
    const merged = mergeHeads(stored.values.map(decodeHead), 1000);
    expect(merged.clearedUpTo <= upTo).toBe(true);
    const survivors = [...acknowledged, ...before, ...after].filter(
      (id) => id > merged.clearedUpTo && !merged.deletedIds.has(id),
    );
    expect(listed).toEqual(newestFirst(survivors));
    // What a created before the delete-all is gone; what it created after it stays.
    expect(listed.filter((id) => before.includes(id))).toEqual([]);
    expect(listed.filter((id) => after.includes(id))).toEqual(newestFirst(after));
  });

  it("a deletion holds when the list is full and a concurrent writer deletes another notification", async () => {
    const cluster = await startCluster();
    const [a, b, c] = (await openInstances(cluster, 3, { retention: 3, ...limit })) as [
      Instance,
      Instance,
      Instance,
    ];
    const user = "fay";
    const one = await create(a, user);
    const two = await create(a, user);
    const three = await create(a, user);
    // b reads the full list [three, two, one] and deletes three, but its write waits.
    const held = b.store.hold();
    const deleteThree = b.repos.inboxes.change(user, { kind: "delete", ids: [three] });
    await held.arrived;
    // Meanwhile a deletes one, and a new notification fills the list again.
    await a.repos.inboxes.change(user, { kind: "delete", ids: [one] });
    const four = await create(a, user);
    held.release();
    await deleteThree;
    expect(cluster.siblingCount(bucketType, "notifications", user)).toBe(2);
    for (const instance of [a, b, c]) expect(await listedIds(instance, user)).toEqual([four, two]);
  });
});

describe("a delete-all and creates through instances whose ids sort differently", () => {
  // Ids from different instances are ordered only as well as their clocks
  // agree: an instance whose clock is ahead issues ids that sort after ids
  // another instance issues a little later. A clock one second ahead.
  const aheadOfTime = () => createIdGenerator(() => Date.now() + 1000);

  it("removes a notification created before it, even one whose id sorts after its mark", async () => {
    const cluster = await startCluster();
    const [a, b] = (await openInstances(cluster, 2)) as [Instance, Instance];
    const user = "gil";
    const early = aheadOfTime()();
    await a.repos.inboxes.change(user, { kind: "add", notification: notification(early) });
    const mark = b.newId();
    expect(early > mark).toBe(true);
    await b.repos.inboxes.change(user, { kind: "clear", upTo: mark });
    for (const instance of [a, b]) expect(await listedIds(instance, user)).toEqual([]);
  });

  it("keeps a notification created after it, even one whose id sorts before its mark", async () => {
    const cluster = await startCluster();
    const [a, b] = (await openInstances(cluster, 2)) as [Instance, Instance];
    const user = "hal";
    await create(a, user);
    const mark = aheadOfTime()();
    await b.repos.inboxes.change(user, { kind: "clear", upTo: mark });
    const late = await create(a, user);
    expect(late < mark).toBe(true);
    for (const instance of [a, b]) expect(await listedIds(instance, user)).toEqual([late]);
  });
});

describe("ids of different instances within one second", () => {
  it("order a create after a delete-all through another instance, so that it stays", async () => {
    const cluster = await startCluster();
    const [a, b] = (await openInstances(cluster, 2)) as [Instance, Instance];
    const second = Math.floor(Date.now() / 1000) * 1000;
    // Twenty times: a notification and a delete-all through a at 100 ms into
    // a second, then a create through b at 900 ms into the same second.
    for (let i = 0; i < 20; i += 1) {
      const user = `ivy-${i}`;
      const early = createIdGenerator(() => second + 100);
      const late = createIdGenerator(() => second + 900)();
      await a.repos.inboxes.change(user, { kind: "add", notification: notification(early()) });
      await a.repos.inboxes.change(user, { kind: "clear", upTo: early() });
      await b.repos.inboxes.change(user, { kind: "add", notification: notification(late) });
      expect(await listedIds(a, user)).toEqual([late]);
    }
  });
});

describe("group commit on a hot user", () => {
  it("32 concurrent creates through one instance take at most two writes and leave one sibling", async () => {
    const cluster = await startCluster();
    const instance = await openInstance(cluster.nodeList);
    const user = "hot-cy";
    const putsBefore = putRequests(cluster);
    const ids = await createMany(instance, user, 32);
    // One write for the first create, one for the 31 that queued behind it.
    const puts = putRequests(cluster) - putsBefore;
    expect(puts).toBeLessThanOrEqual(2);
    expect(instance.repos.inboxes.batchCount).toBe(puts);
    expect(cluster.siblingCount(bucketType, "notifications", user)).toBe(1);
    expect(await listedIds(instance, user)).toEqual(newestFirst(ids));
  });

  it("three instances creating 32 each for one user never leave more than one sibling per instance", async () => {
    const cluster = await startCluster();
    const instances = await openInstances(cluster, 3);
    const user = "hot-di";
    const putsBefore = putRequests(cluster);
    const ids = (
      await Promise.all(instances.map((instance) => createMany(instance, user, 32)))
    ).flat();
    expect(putRequests(cluster) - putsBefore).toBeLessThanOrEqual(6);
    expect(Math.max(...instances.flatMap((instance) => instance.siblingsSeen))).toBeLessThanOrEqual(
      3,
    );
    expect(cluster.siblingCount(bucketType, "notifications", user)).toBeLessThanOrEqual(3);
    const [a] = instances as [Instance];
    expect(await listedIds(a, user)).toEqual(newestFirst(ids));
    await a.repos.idle();
    expect(cluster.siblingCount(bucketType, "notifications", user)).toBe(1);
  });
});

describe("retention", () => {
  it("keeps the newest 1000 when siblings of the single-object layout hold 1500 between them", async () => {
    const cluster = await startCluster();
    const [a, b] = (await openInstances(cluster, 2)) as [Instance, Instance];
    const user = "eve";
    const all = Array.from({ length: 1500 }, () => notification(a.newId()));
    // Three blind writes of 500 each: three siblings, the newest ids spread over all of them.
    for (let sibling = 0; sibling < 3; sibling += 1) {
      const part = all.filter((_, i) => i % 3 === sibling);
      await a.riak.put("notifications", user, encodeFull(part), undefined);
    }
    expect(cluster.siblingCount(bucketType, "notifications", user)).toBe(3);
    const newest = newestFirst(all.map((n) => n.id)).slice(0, 1000);
    expect(await listedIds(b, user)).toEqual(newest);
    // The read wrote the merge back in the new layout: one head of 20, the rest sealed.
    await b.repos.idle();
    expect(cluster.siblingCount(bucketType, "notifications", user)).toBe(1);
    const stored = await a.riak.get("notifications", user);
    const [head] = stored.values.map(decodeHead);
    expect(head?.notifications.map((n) => n.id)).toEqual(newest.slice(0, 20));
    expect(head?.segments.length).toBeGreaterThan(1);
    expect(await listedIds(a, user)).toEqual(newest);
  });

  it("keeps the newest 1000 of 1500 created concurrently through three instances", async () => {
    const cluster = await startCluster();
    const instances = await openInstances(cluster, 3);
    const user = "flo";
    const created = await Promise.all(
      instances.map(async (instance) => {
        const ids: string[] = [];
        for (let round = 0; round < 10; round += 1)
          ids.push(...(await createMany(instance, user, 50)));
        return ids;
      }),
    );
    const newest = newestFirst(created.flat()).slice(0, 1000);
    for (const instance of instances) expect(await listedIds(instance, user)).toEqual(newest);
  });
});

/** A value of the single-object layout: every notification in the one object, no segments. */
function encodeFull(notifications: readonly StoredNotification[]): Uint8Array {
  return encodeHead({ ...emptyHead, notifications });
}
