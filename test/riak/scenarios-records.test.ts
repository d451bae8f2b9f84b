import { describe, expect, it } from "vitest";
import { createIdGenerator } from "../../src/domain/ids.js";
import { parseRule, type Rule } from "../../src/domain/rule.js";
import type { RuleWrite } from "../../src/domain/rule-set.js";
import { cursorKey, ruleSetKey } from "../../src/storage/record-types.js";
import { bucketType, type Instance, newestFirst, useScenarios } from "./scenarios-support.js";

const { startCluster, openInstances } = useScenarios();

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/**
 * Lets every instance read, then lets their writes through together: each
 * write carries a context that has not seen the others, so each leaves a
 * sibling.
 */
async function concurrently(writes: readonly [Instance, () => Promise<void>][]): Promise<void> {
  const holds = writes.map(([instance]) => instance.store.hold());
  const done = writes.map(([, write]) => write());
  await Promise.all(holds.map((hold) => hold.arrived));
  for (const hold of holds) hold.release();
  await Promise.all(done);
}

const rulesOf = (instance: Instance) => instance.repos.rules.read();

describe("cursors written by three instances", () => {
  it("resolve their siblings to the greatest id and write it back in the seed's JSON", async () => {
    const cluster = await startCluster();
    const instances = await openInstances(cluster, 3);
    const key = cursorKey("gus");
    const ids = instances.map((instance) => instance.newId());
    await concurrently(
      instances.map((instance, i) => [
        instance,
        () =>
          instance.repos.cursors.change("gus", {
            kind: "shown",
            newestId: ids[i] ?? "",
            flaggedWith: "",
          }),
      ]),
    );
    expect(cluster.siblingCount(bucketType, "cursors", key)).toBe(3);

    const greatest = newestFirst(ids)[0];
    for (const instance of instances) {
      expect(await instance.repos.cursors.read("gus")).toEqual({ value: greatest, previous: "" });
    }
    const [a] = instances as [Instance];
    await a.repos.idle();
    expect(cluster.siblingCount(bucketType, "cursors", key)).toBe(1);
    const stored = await a.riak.get("cursors", key);
    expect(stored.values.map((value) => JSON.parse(text(value)))).toEqual([
      { key, value: greatest, previous: "" },
    ]);
  });
});

describe("the rule set written by three instances", () => {
  const rule = (input: Parameters<typeof parseRule>[0]): Rule => parseRule(input);
  const change = (category: string, version: string, value: Rule | undefined): RuleWrite => ({
    category,
    version,
    rule: value,
  });

  it("merges concurrent writes per category", async () => {
    const cluster = await startCluster();
    const [a, b, c] = (await openInstances(cluster, 3)) as [Instance, Instance, Instance];
    await a.repos.rules.change(change("mention", a.newId(), rule({ maxSize: 5 })));
    const like = rule({ maxSize: 9 });
    const follow = rule({ maxDuration: "12 hours" });
    await concurrently([
      [a, () => a.repos.rules.change(change("like", a.newId(), like))],
      [b, () => b.repos.rules.change(change("follow", b.newId(), follow))],
      [c, () => c.repos.rules.change(change("mention", c.newId(), undefined))],
    ]);
    expect(cluster.siblingCount(bucketType, "rules", ruleSetKey)).toBe(3);
    for (const instance of [a, b, c]) {
      expect(await rulesOf(instance)).toEqual(
        new Map([
          ["follow", follow],
          ["like", like],
        ]),
      );
    }
  });

  it("lets the latest write of a category win, whichever sibling holds it", async () => {
    const cluster = await startCluster();
    const [a, b] = (await openInstances(cluster, 2)) as [Instance, Instance];
    // Two instances' clocks, one second apart: b writes later.
    const start = Date.now();
    const earlier = createIdGenerator(() => start)();
    const later = createIdGenerator(() => start + 1000)();
    await concurrently([
      [b, () => b.repos.rules.change(change("like", later, rule({ maxSize: 2 })))],
      [a, () => a.repos.rules.change(change("like", earlier, rule({ maxSize: 7 })))],
    ]);
    expect(cluster.siblingCount(bucketType, "rules", ruleSetKey)).toBe(2);
    expect(await rulesOf(a)).toEqual(new Map([["like", rule({ maxSize: 2 })]]));
  });

  it("lets a write win over the entry it read, even when its instance's versions sort lower", async () => {
    const cluster = await startCluster();
    const [a, b] = (await openInstances(cluster, 2)) as [Instance, Instance];
    // a's clock runs a second ahead of b's (or a's id won within one second).
    const ahead = createIdGenerator(() => Date.now() + 1000);
    await a.repos.rules.change(change("like", ahead(), rule({ maxSize: 7 })));
    await b.repos.rules.change(change("like", b.newId(), rule({ maxSize: 2 })));
    expect(await rulesOf(a)).toEqual(new Map([["like", rule({ maxSize: 2 })]]));
    await a.repos.rules.change(change("share", ahead(), rule({ maxSize: 3 })));
    await b.repos.rules.change(change("share", b.newId(), undefined));
    expect(await rulesOf(a)).toEqual(new Map([["like", rule({ maxSize: 2 })]]));
  });

  it("keeps a deletion when a stale sibling still holds the rule", async () => {
    const cluster = await startCluster();
    const [a, b, c] = (await openInstances(cluster, 3)) as [Instance, Instance, Instance];
    await a.repos.rules.change(change("mention", a.newId(), rule({ maxSize: 5 })));
    // b reads the set with "mention" in it; its write of another category waits.
    const held = b.store.hold();
    const share = rule({ matchOn: "post_id" });
    const writeShare = b.repos.rules.change(change("share", b.newId(), share));
    await held.arrived;
    await a.repos.rules.change(change("mention", a.newId(), undefined));
    held.release();
    await writeShare;
    expect(cluster.siblingCount(bucketType, "rules", ruleSetKey)).toBe(2);
    for (const instance of [a, b, c]) {
      expect(await rulesOf(instance)).toEqual(new Map([["share", share]]));
    }
  });
});
