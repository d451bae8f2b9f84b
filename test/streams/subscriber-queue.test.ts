import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { SubscriberQueue } from "../../src/streams/subscriber-queue.js";

describe("SubscriberQueue", () => {
  it("hands items out in order, and waits for the next one", async () => {
    const queue = new SubscriberQueue<number>(3);
    expect(queue.push(1)).toBe(true);
    expect(queue.push(2)).toBe(true);
    expect(await queue.take(10_000)).toBe(1);
    expect(await queue.take(10_000)).toBe(2);
    const waiting = queue.take(10_000);
    queue.push(3);
    expect(await waiting).toBe(3);
  });

  it("answers undefined when nothing comes within the idle time", async () => {
    const queue = new SubscriberQueue<number>(1);
    expect(await queue.take(1)).toBeUndefined();
    queue.push(7);
    expect(await queue.take(1)).toBe(7);
  });

  it("fails with RESOURCE_EXHAUSTED one past capacity, dropping what it held", async () => {
    const queue = new SubscriberQueue<number>(2);
    queue.push(1);
    queue.push(2);
    expect(queue.push(3)).toBe(false);
    expect(queue.size).toBe(0);
    expect(queue.push(4)).toBe(false);
    await expect(queue.take(10_000)).rejects.toMatchObject({ code: Code.ResourceExhausted });
    expect(queue.error?.rawMessage).toMatch(/more than 2 events/);
  });

  it("wakes a waiting take with the first failure", async () => {
    const queue = new SubscriberQueue<number>(2);
    const waiting = queue.take(10_000);
    queue.fail(new ConnectError("gone", Code.Unavailable));
    queue.fail(new ConnectError("later", Code.Canceled));
    await expect(waiting).rejects.toMatchObject({ code: Code.Unavailable, rawMessage: "gone" });
  });

  it("refuses a capacity below one", () => {
    expect(() => new SubscriberQueue(0)).toThrow(RangeError);
  });
});
