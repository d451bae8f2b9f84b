import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EmbeddedStore } from "../../src/storage/embedded-store.js";
import { RecentValues } from "../../src/storage/recent-values.js";
import { type RecordType, ResolvingStore } from "../../src/storage/resolving-store.js";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("RecentValues", () => {
  it("answers only for the exact bytes remembered", () => {
    const recent = new RecentValues<string>();
    recent.set("k", bytes("abc"), "value");
    expect(recent.get("k", bytes("abc"))).toBe("value");
    expect(recent.get("k", bytes("abd"))).toBeUndefined();
    expect(recent.get("k", bytes("ab"))).toBeUndefined();
    expect(recent.get("other", bytes("abc"))).toBeUndefined();
    recent.delete("k");
    expect(recent.get("k", bytes("abc"))).toBeUndefined();
  });

  it("keeps the most recently used keys whose bytes fit", () => {
    const recent = new RecentValues<number>(4);
    recent.set("a", bytes("a"), 1);
    recent.set("b", bytes("b"), 2);
    recent.set("c", bytes("cc"), 3);
    recent.get("a", bytes("a"));
    recent.set("d", bytes("d"), 4);
    expect(recent.get("b", bytes("b"))).toBeUndefined();
    expect(recent.get("a", bytes("a"))).toBe(1);
    expect(recent.get("d", bytes("d"))).toBe(4);
    recent.set("c", bytes("cccc"), 5);
    expect([..."abcd"].map((k) => recent.get(k, bytes(k === "c" ? "cccc" : k)))).toEqual([
      undefined,
      undefined,
      5,
      undefined,
    ]);
    // A value larger than the whole budget is not kept, and pushes nothing out.
    recent.set("e", bytes("eeeee"), 6);
    expect(recent.get("e", bytes("eeeee"))).toBeUndefined();
    expect(recent.get("c", bytes("cccc"))).toBe(5);
  });

  it("remembers a value stored as no bytes (an empty list encodes to none)", () => {
    const recent = new RecentValues<string>(4);
    recent.set("k", bytes(""), "empty");
    expect(recent.get("k", bytes(""))).toBe("empty");
  });

  it("keeps at most maxKeys keys, however small", () => {
    const recent = new RecentValues<number>(1000, 2);
    for (const [i, key] of ["a", "b", "c"].entries()) recent.set(key, bytes(key), i);
    expect(["a", "b", "c"].map((k) => recent.get(k, bytes(k)))).toEqual([undefined, 1, 2]);
  });
});

// Values are sorted string lists; merging is their union, a change appends one.
function countingType(): RecordType<string[], string> & { decoded: number } {
  return {
    bucket: "notifications",
    decoded: 0,
    decode(value) {
      this.decoded++;
      return JSON.parse(new TextDecoder().decode(value)) as string[];
    },
    encode: (_key, value) => bytes(JSON.stringify(value)),
    merge: (siblings) => (siblings.length === 0 ? undefined : [...new Set(siblings.flat())].sort()),
    apply: (current, changes) => [...new Set([...(current ?? []), ...changes])].sort(),
  };
}

describe("ResolvingStore with the values it saw last", () => {
  let dir: string;
  let store: EmbeddedStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "recent-values-"));
    store = await EmbeddedStore.open(dir);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("reads back what it wrote, and what it read, without decoding again", async () => {
    const type = countingType();
    const records = new ResolvingStore(store, type);
    await records.change("k", "a");
    await records.change("k", "b");
    expect(type.decoded).toBe(0);
    expect(await records.read("k")).toEqual(["a", "b"]);
    expect(type.decoded).toBe(0);
    await store.put(
      "notifications",
      "k",
      bytes('["x"]'),
      (await store.get("notifications", "k")).context,
    );
    expect(await records.read("k")).toEqual(["x"]);
    expect(await records.read("k")).toEqual(["x"]);
    expect(type.decoded).toBe(1);
  });

  it("decodes and merges siblings on every read", async () => {
    const type = countingType();
    const records = new ResolvingStore(store, type);
    await records.change("k", "a");
    await store.put("notifications", "k", bytes('["stale"]'), undefined);
    expect(await records.read("k")).toEqual(["a", "stale"]);
    await records.idle();
    const decodedBefore = type.decoded;
    await store.put("notifications", "k", bytes('["stale2"]'), undefined);
    expect(await records.read("k")).toEqual(["a", "stale", "stale2"]);
    expect(type.decoded).toBe(decodedBefore + 2);
  });
});
