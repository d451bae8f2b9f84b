import { describe, expect, it, vi } from "vitest";
import { GroupCommitter } from "../../src/storage/group-commit.js";

describe("GroupCommitter", () => {
  it("runs one batch per key at a time and batches what queued meanwhile", async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    let running = 0;
    let maxRunning = 0;
    const committer = new GroupCommitter<number>(async (_key, changes) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      batches.push([...changes]);
      if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
      running--;
    });
    const first = committer.submit("k", 0);
    const rest = [1, 2, 3, 4].map((n) => committer.submit("k", n));
    release();
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[0], [1, 2, 3, 4]]);
    expect(maxRunning).toBe(1);
    expect(committer.batchCount).toBe(2);
  });

  it("fails every change of a failed batch, and later batches still run", async () => {
    let fail = true;
    const committer = new GroupCommitter<string>(async () => {
      if (fail) throw new Error("storage down");
    });
    const failed = [committer.submit("k", "a"), committer.submit("k", "b")];
    await Promise.all(failed.map((p) => expect(p).rejects.toThrow("storage down")));
    fail = false;
    await expect(committer.submit("k", "c")).resolves.toBeUndefined();
  });

  it("writes different keys independently", async () => {
    const seen: string[] = [];
    const committer = new GroupCommitter<number>(async (key) => {
      seen.push(key);
    });
    await Promise.all([committer.submit("a", 1), committer.submit("b", 2)]);
    expect(seen.sort()).toEqual(["a", "b"]);
  });

  it("idle() waits for every running and queued write, failed ones too", async () => {
    const gates = new Map<string, () => void>();
    const committer = new GroupCommitter<number>(async (key, changes) => {
      await new Promise<void>((resolve) => gates.set(`${key}${changes[0]}`, resolve));
      if (key === "b") throw new Error("storage down");
    });
    await committer.idle();
    const writes = [committer.submit("a", 1), committer.submit("a", 2), committer.submit("b", 1)];
    let idle = false;
    const idled = committer.idle().then(() => {
      idle = true;
    });
    const open = (gate: string) =>
      vi.waitFor(() => {
        const release = gates.get(gate);
        expect(release).toBeDefined();
        release?.();
      });
    await open("a1");
    await open("b1");
    await expect(writes[2]).rejects.toThrow("storage down");
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(false); // "a" still has its second batch to write
    await open("a2");
    await idled;
    await expect(Promise.all(writes.slice(0, 2))).resolves.toBeDefined();
  });

  it("idle() resolves from the committer's state, without waiting for the event loop to turn", async () => {
    const committer = new GroupCommitter<number>(async () => {});
    const order: string[] = [];
    const write = committer.submit("k", 1);
    setImmediate(() => order.push("event loop turned"));
    await committer.idle();
    order.push("idle");
    await write;
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(["idle", "event loop turned"]);
  });
});
