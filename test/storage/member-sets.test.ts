import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createIdGenerator } from "../../src/domain/ids.js";
import type { MemberPosition } from "../../src/domain/member-position.js";
import { EmbeddedStore } from "../../src/storage/embedded-store.js";
import { ForwardingStore } from "../../src/storage/forwarding-store.js";
import type { KeyValueStore } from "../../src/storage/key-value-store.js";
import { MemberSets } from "../../src/storage/member-sets.js";
import { decodeShard } from "../../src/storage/member-shard-codec.js";

/** Every live member, walked page by page. */
async function walk(sets: MemberSets, name: string, pageSize: number): Promise<string[]> {
  const members: string[] = [];
  let after: MemberPosition | undefined;
  for (;;) {
    const page = await sets.scan(name, after, pageSize);
    members.push(...page.members.map((m) => m.member));
    after = page.members.at(-1);
    if (!page.more) return members;
  }
}

const users = (n: number, prefix = "u") => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe("MemberSets", () => {
  let dir: string;
  let store: KeyValueStore;
  let keysWritten: Set<string>;
  let sets: MemberSets;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "member-sets-"));
    const embedded = await EmbeddedStore.open(dir);
    const written = new Set<string>();
    keysWritten = written;
    // Records which objects the sets write, to check that none holds the whole set.
    store = new (class extends ForwardingStore {
      override put(...args: Parameters<KeyValueStore["put"]>) {
        written.add(args[1]);
        return super.put(...args);
      }
    })(embedded);
    sets = new MemberSets(store, "topics", createIdGenerator(), {
      shardCapacity: 50,
      concurrency: 8,
    });
  });
  afterEach(async () => {
    await sets.idle();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("a small set is one object; adding a member twice adds it once", async () => {
    expect(await sets.add("t", ["ann", "bob", "ann"])).toEqual({
      kind: "added",
      added: ["ann", "bob"],
      count: 2,
    });
    expect(await sets.add("t", ["bob", "cid"])).toMatchObject({ added: ["cid"], count: 3 });
    expect(await sets.count("t")).toBe(3);
    expect([...keysWritten]).toEqual(["t"]);
    expect((await walk(sets, "t", 10)).sort()).toEqual(["ann", "bob", "cid"]);
  });

  it("a big set spreads over shards of deeper levels, none over capacity, and walks whole", async () => {
    const all = users(1000);
    for (let i = 0; i < all.length; i += 250) await sets.add("big", all.slice(i, i + 250));
    expect(await sets.count("big")).toBe(1000);
    const shardKeys = [...keysWritten].filter((k) => k.startsWith("big/"));
    expect(shardKeys.length).toBeGreaterThan(10);
    for (const key of ["big", ...shardKeys]) {
      const { values } = await store.get("topics", key);
      // Each object holds at most its capacity (50) of the 1000 members.
      expect(decodeShard(values[0] ?? new Uint8Array()).members.size).toBeLessThanOrEqual(50);
    }
    const walked = await walk(sets, "big", 37);
    expect(walked).toHaveLength(1000);
    expect(new Set(walked).size).toBe(1000);
    expect(walked.sort()).toEqual([...all].sort());
  });

  it("removes members wherever they sit; a removed member comes back in its old place", async () => {
    const all = users(300);
    await sets.add("t", all);
    expect(await sets.remove("t", ["u1", "u200", "nobody", "u1"])).toBe(298);
    expect(await sets.count("t")).toBe(298);
    const walked = await walk(sets, "t", 100);
    expect(walked).not.toContain("u1");
    expect(walked).not.toContain("u200");
    expect(walked).toHaveLength(298);
    const keysBefore = new Set(keysWritten);
    keysWritten.clear();
    expect(await sets.add("t", ["u1"])).toMatchObject({ added: ["u1"], count: 299 });
    expect([...keysWritten].every((k) => keysBefore.has(k))).toBe(true);
    expect(await walk(sets, "t", 1000)).toContain("u1");
  });

  it("refuses an add that would pass the limit, adding nothing", async () => {
    await sets.add("t", users(8));
    expect(await sets.add("t", ["u7", "x", "y", "z"], 10)).toEqual({
      kind: "full",
      count: 8,
      adding: 3,
    });
    expect(await sets.count("t")).toBe(8);
    expect(await sets.add("t", ["x", "y"], 10)).toMatchObject({ kind: "added", count: 10 });
  });

  it("a walk resumed after any member neither skips nor repeats", async () => {
    const all = users(400);
    await sets.add("t", all);
    const order = await walk(sets, "t", 1000);
    for (const cut of [0, 1, 57, 200, 398]) {
      const at = await sets.scan("t", undefined, cut + 1);
      const after = at.members.at(-1);
      const rest = await walk2(after);
      expect([...order.slice(0, cut + 1), ...rest]).toEqual(order);
    }
    async function walk2(after: MemberPosition | undefined): Promise<string[]> {
      const out: string[] = [];
      let from = after;
      for (;;) {
        const page = await sets.scan("t", from, 64);
        out.push(...page.members.map((m) => m.member));
        from = page.members.at(-1);
        if (!page.more) return out;
      }
    }
  });

  it("keeps a member named __proto__", async () => {
    await sets.add("t", ["__proto__", "ann"]);
    expect((await walk(sets, "t", 10)).sort()).toEqual(["__proto__", "ann"]);
  });

  it("an empty set walks to nothing", async () => {
    expect(await sets.scan("none", undefined, 10)).toEqual({ members: [], more: false });
    expect(await sets.count("none")).toBe(0);
  });
});
