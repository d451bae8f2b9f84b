import { Code, ConnectError } from "@connectrpc/connect";

/**
 * The events waiting for one subscriber, at most `capacity` of them. A push
 * beyond that fails the queue with RESOURCE_EXHAUSTED and drops what it held,
 * so a subscriber that cannot keep up costs bounded memory; it resumes from
 * storage with `after` and loses nothing.
 */
export class SubscriberQueue<T> {
  private items: T[] = [];
  private failure: ConnectError | undefined;
  private wake: (() => void) | undefined;

  /** @param capacity the most events held; at least 1. */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer (got ${capacity})`);
    }
  }

  /** Events waiting. */
  get size(): number {
    return this.items.length;
  }

  /** The error the queue failed with; undefined while it works. */
  get error(): ConnectError | undefined {
    return this.failure;
  }

  /** Adds an item; false when the queue has failed, now or before. */
  push(item: T): boolean {
    if (this.failure) return false;
    if (this.items.length >= this.capacity) {
      this.fail(
        new ConnectError(
          `the subscriber fell behind by more than ${this.capacity} events; resubscribe with after to catch up`,
          Code.ResourceExhausted,
        ),
      );
      return false;
    }
    this.items.push(item);
    this.wake?.();
    return true;
  }

  /** Fails the queue: waiting items are dropped and `take` throws `error`. The first failure wins. */
  fail(error: ConnectError): void {
    if (this.failure) return;
    this.failure = error;
    this.items = [];
    this.wake?.();
  }

  /**
   * The next item, waiting up to `idleMs` for one; undefined when none came
   * in time. Throws the queue's failure. One caller at a time.
   */
  async take(idleMs: number): Promise<T | undefined> {
    if (this.items.length === 0 && !this.failure) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, idleMs);
        this.wake = done;
        function done() {
          clearTimeout(timer);
          resolve();
        }
      });
      this.wake = undefined;
    }
    if (this.failure) throw this.failure;
    return this.items.shift();
  }
}
