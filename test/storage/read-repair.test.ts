import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EmbeddedStore } from "../../src/storage/embedded-store.js";
import { ForwardingStore } from "../../src/storage/forwarding-store.js";
import type { BucketName, CallOptions } from "../../src/storage/key-value-store.js";
import { createRepositories } from "../../src/storage/repositories.js";
import { stored } from "../domain/fixtures.js";
import { testRepositoryOptions } from "../support/module-options.js";

/** A store whose puts fail while `failPuts` is set. */
class FailingPuts extends ForwardingStore {
  failPuts = false;

  override put(
    bucket: BucketName,
    key: string,
    value: Uint8Array,
    context: Uint8Array | undefined,
    options?: CallOptions,
  ): Promise<void> {
    if (this.failPuts) return Promise.reject(new Error("put refused"));
    return super.put(bucket, key, value, context, options);
  }
}

describe("read repair", () => {
  let dir: string;
  let store: FailingPuts;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "read-repair-"));
    store = new FailingPuts(await EmbeddedStore.open(dir));
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("that fails leaves the read answered and tells the listener", async () => {
    const failures: [BucketName, unknown][] = [];
    const repos = createRepositories(
      store,
      testRepositoryOptions({ onRepairFailed: (bucket, error) => failures.push([bucket, error]) }),
    );
    await repos.inboxes.change("ann", { kind: "add", notification: stored("2") });
    // A stale writer's sibling beside it.
    const { values } = await store.get("notifications", "ann");
    await store.put("notifications", "ann", values[0] ?? new Uint8Array(), undefined);
    expect((await store.get("notifications", "ann")).values).toHaveLength(2);

    store.failPuts = true;
    const inbox = await repos.inboxes.read("ann");
    expect(inbox.known().notifications.map((n) => n.id)).toEqual(["2"]);
    await repos.idle();
    expect(failures).toEqual([["notifications", new Error("put refused")]]);
    expect((await store.get("notifications", "ann")).values).toHaveLength(2);

    // The next repair succeeds and collapses the siblings.
    store.failPuts = false;
    await repos.inboxes.read("ann");
    await repos.idle();
    expect((await store.get("notifications", "ann")).values).toHaveLength(1);
    expect(failures).toHaveLength(1);
  });
});
