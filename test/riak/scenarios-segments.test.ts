import { describe, expect, it } from "vitest";
import { mergeHeads } from "../../src/domain/inbox-head.js";
import { decodeHead } from "../../src/storage/head-codec.js";
import {
  create,
  type Instance,
  listedIds,
  newestFirst,
  useScenarios,
} from "./scenarios-support.js";

// Retention on inboxes that seal, compact and age out while three instances
// write them through three nodes (scenarios-lists.test.ts runs its scenarios
// with a head limit of 6 too): every few creates a seal, and segments compact,
// merge and age out under concurrent writers.

const { startCluster, openInstances } = useScenarios();

const createMany = (instance: Instance, username: string, count: number) =>
  Promise.all(Array.from({ length: count }, () => create(instance, username)));

/** What storage holds for a user: the head siblings merged, and their segment references. */
async function storedHead(instance: Instance, username: string) {
  const { values } = await instance.riak.get("notifications", username);
  return mergeHeads(values.map(decodeHead), 1000);
}

describe("inboxes that age out while three instances write them through three nodes", () => {
  it("age out the oldest and nothing else while they run: 300 creates, retention 60", async () => {
    const cluster = await startCluster();
    const instances = await openInstances(cluster, 3, { headLimit: 6, retention: 60 });
    const user = "ria";
    const acknowledged: string[] = [];
    const deleted = new Set<string>();
    await Promise.all(
      instances.map(async (instance, i) => {
        for (let round = 0; round < 20; round += 1) {
          acknowledged.push(...(await createMany(instance, user, 5)));
          // Now and then a deletion of something recent, through another instance's view.
          const victim = acknowledged.at(-3 - i);
          if (round % 5 === 4 && victim) {
            await instance.repos.inboxes.change(user, { kind: "delete", ids: [victim] });
            deleted.add(victim);
          }
        }
      }),
    );
    await Promise.all(instances.map((instance) => instance.repos.idle()));
    const live = newestFirst(acknowledged.filter((id) => !deleted.has(id)));
    const [first, ...others] = await Promise.all(instances.map((i) => listedIds(i, user)));
    for (const listed of others) expect(listed).toEqual(first);
    const listed = first ?? [];
    // Each once, none deleted, and a newest-first run of what lives: nothing lost but the oldest.
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed).toEqual(live.slice(0, listed.length));
    expect(listed.length).toBeLessThanOrEqual(60);
    expect(listed.length).toBeGreaterThanOrEqual(50);
    // What aged out leaves storage: once the writers are quiet, the next
    // write's upkeep drops what concurrent seals left referenced, so the head
    // references only segments that hold kept notifications.
    const settler = instances[0] as Instance;
    await createMany(settler, user, 1);
    await settler.repos.idle();
    const head = await storedHead(settler, user);
    const oldestKept = (await listedIds(settler, user)).at(-1) ?? "";
    expect(head.agedOutUpTo < oldestKept).toBe(true);
    expect(head.segments.every((ref) => ref.newestId >= oldestKept)).toBe(true);
  });
});
