/**
 * Applies a batch of changes to one key in one read-modify-write, and
 * resolves with what every caller of the batch is answered (such as the value
 * written).
 */
export type CommitBatch<C, R> = (key: string, changes: readonly C[]) => Promise<R>;

interface Waiter<C, R> {
  readonly change: C;
  readonly resolve: (result: R) => void;
  readonly reject: (reason: unknown) => void;
}

/**
 * One writer per key (contract §5, group commit): a key's writes run one
 * read-modify-write at a time, and the changes that queue while one runs are
 * applied together by the next, so a hot key costs one storage round trip
 * per batch rather than per change, and writers of one key never race each
 * other. Each caller is answered when the write carrying its change is
 * acknowledged, or fails with that write's error.
 */
export class GroupCommitter<C, R = void> {
  private readonly queues = new Map<string, Waiter<C, R>[]>();
  // Callers of idle(), answered when the last queue empties.
  private idleWaiters: (() => void)[] = [];
  private batches = 0;

  /** @param commit writes one batch; its rejection fails every change in the batch. */
  constructor(private readonly commit: CommitBatch<C, R>) {}

  /**
   * Queues a change for a key; resolves, with the batch's result, once a
   * write carrying it is acknowledged.
   */
  submit(key: string, change: C): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const queue = this.queues.get(key);
      if (queue) {
        queue.push({ change, resolve, reject });
        return;
      }
      this.queues.set(key, [{ change, resolve, reject }]);
      void this.drain(key);
    });
  }

  /** How many batches were written so far (for tests and metrics). */
  get batchCount(): number {
    return this.batches;
  }

  /** Resolves when no write is queued or running. */
  idle(): Promise<void> {
    if (this.queues.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(key: string): Promise<void> {
    // The queue stays in the map while a batch runs, so that new changes
    // wait for the next batch instead of starting a racing write.
    for (;;) {
      const queue = this.queues.get(key) ?? [];
      const batch = queue.splice(0);
      if (batch.length === 0) {
        this.queues.delete(key);
        if (this.queues.size === 0) this.wakeIdle();
        return;
      }
      this.batches++;
      try {
        const result = await this.commit(
          key,
          batch.map((w) => w.change),
        );
        for (const w of batch) w.resolve(result);
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
