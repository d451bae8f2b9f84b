import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EmbeddedStore } from "../../src/storage/embedded-store.js";
import { StorageUnavailableError } from "../../src/storage/errors.js";

const bytes = (text: string) => new TextEncoder().encode(text);
const texts = (values: readonly Uint8Array[]) =>
  values.map((v) => new TextDecoder().decode(v)).sort();

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "embedded-store-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("EmbeddedStore keeps Riak's shape", () => {
  it("reads an absent key as no siblings and no context", async () => {
    const store = await EmbeddedStore.open(dir);
    expect(await store.get("notifications", "ann")).toEqual({ values: [], context: undefined });
    await store.close();
  });

  it("a write with the current context replaces; a stale or missing context leaves a sibling", async () => {
    const store = await EmbeddedStore.open(dir);
    await store.put("notifications", "ann", bytes("a"), undefined);
    const first = await store.get("notifications", "ann");
    await store.put("notifications", "ann", bytes("b"), first.context);
    expect(texts((await store.get("notifications", "ann")).values)).toEqual(["b"]);
    await store.put("notifications", "ann", bytes("stale"), first.context);
    const both = await store.get("notifications", "ann");
    expect(texts(both.values)).toEqual(["b", "stale"]);
    await store.put("notifications", "ann", bytes("merged"), both.context);
    expect(texts((await store.get("notifications", "ann")).values)).toEqual(["merged"]);
    await store.close();
  });

  it("a delete with a stale context loses to the newer write", async () => {
    const store = await EmbeddedStore.open(dir);
    await store.put("cursors", "k", bytes("1"), undefined);
    const stale = (await store.get("cursors", "k")).context;
    await store.put("cursors", "k", bytes("2"), stale);
    await store.delete("cursors", "k", stale);
    expect(texts((await store.get("cursors", "k")).values)).toEqual(["2"]);
    await store.delete("cursors", "k", (await store.get("cursors", "k")).context);
    expect((await store.get("cursors", "k")).values).toEqual([]);
    await store.close();
  });

  it("keeps data across a restart", async () => {
    const store = await EmbeddedStore.open(dir);
    await store.put("rules", "rules", bytes("r"), undefined);
    await store.close();
    const reopened = await EmbeddedStore.open(dir);
    expect(texts((await reopened.get("rules", "rules")).values)).toEqual(["r"]);
    await reopened.close();
  });

  it("refuses a directory another instance holds, saying so", async () => {
    const store = await EmbeddedStore.open(dir);
    await expect(EmbeddedStore.open(dir)).rejects.toThrow(StorageUnavailableError);
    await expect(EmbeddedStore.open(dir)).rejects.toThrow(/another process is using it/);
    await store.close();
  });
});
