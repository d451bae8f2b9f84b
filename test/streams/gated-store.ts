import { ForwardingStore } from "../../src/storage/forwarding-store.js";
import type { BucketName, CallOptions, SiblingRead } from "../../src/storage/key-value-store.js";

/** Where a held read waits: before it reaches the store, or after, before it answers. */
export type HoldPoint = "before" | "after";

/** A held read: `reached` resolves when a read waits at the hold point; `release` lets it go. */
export interface Hold {
  readonly reached: Promise<void>;
  release(): void;
}

/**
 * A store that can hold the next read a stream makes of a notification list
 * (the one read that passes an abort signal), so that a test can create
 * notifications at an exact point of a subscription's start.
 */
export class GatedStore extends ForwardingStore {
  private next: { point: HoldPoint; reached: () => void; released: Promise<void> } | undefined;

  hold(point: HoldPoint): Hold {
    let reached!: () => void;
    let release!: () => void;
    const reachedPromise = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.next = { point, reached, released };
    return { reached: reachedPromise, release };
  }

  override async get(bucket: BucketName, key: string, options?: CallOptions): Promise<SiblingRead> {
    const gate = bucket === "notifications" && options?.signal ? this.next : undefined;
    if (gate) this.next = undefined;
    if (gate?.point === "before") {
      gate.reached();
      await gate.released;
    }
    const read = await this.inner.get(bucket, key, options);
    if (gate?.point === "after") {
      gate.reached();
      await gate.released;
    }
    return read;
  }
}
