import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EmbeddedStore } from "../../src/storage/embedded-store.js";
import { StorageUnavailableError } from "../../src/storage/errors.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "data-dir-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the embedded store's data directory", () => {
  it("is created with its missing parents, and reused when it exists", async () => {
    const nested = join(dir, "a", "b", "c");
    for (let round = 0; round < 2; round++) {
      const store = await EmbeddedStore.open(nested);
      await store.close();
    }
    expect((await stat(nested)).isDirectory()).toBe(true);
  });

  // Node's recursive mkdir never settled here: /proc answers ENOENT for any new child.
  it("under /proc: refused at once, naming the parent that accepts no directory", {
    timeout: 5000,
  }, async () => {
    await expect(EmbeddedStore.open("/proc/notification-test/data")).rejects.toThrow(
      'cannot use "/proc/notification-test/data" as the embedded store\'s directory: "/proc/notification-test" cannot be created: its parent "/proc" accepts no new directory (ENOENT: no such file or directory)',
    );
  });

  it("a file in its place: refused, saying it is not a directory", async () => {
    const file = join(dir, "file");
    await writeFile(file, "");
    await expect(EmbeddedStore.open(file)).rejects.toThrow(`"${file}" is not a directory`);
    await expect(EmbeddedStore.open(join(file, "sub"))).rejects.toThrow(
      `"${join(file, "sub")}" cannot be created (ENOTDIR: a parent is not a directory)`,
    );
  });

  it("where it may not be created: refused, saying why", async () => {
    // sysfs refuses new directories to everyone, root included.
    const error = await EmbeddedStore.open("/sys/notification-test").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect((error as Error).message).toMatch(
      /^cannot use "\/sys\/notification-test" as the embedded store's directory: "\/sys\/notification-test" cannot be created \((EPERM|EACCES|EROFS): /,
    );
  });
});
