import { EventEmitter } from "node:events";
import type { KeyValueStore } from "../storage/key-value-store.js";

/** Options of {@link StoreProbe}. */
export interface StoreProbeOptions {
  /** How often the store is pinged in the background, in ms. */
  readonly intervalMs: number;
  /** How long a ping may take before the store counts as unreachable, in ms. */
  readonly timeoutMs: number;
}

/**
 * Whether storage is reachable: pings the store when started, then every
 * `intervalMs` and on demand (`check`), one ping at a time (callers meanwhile
 * share it). Reachable until a ping says otherwise: the store answered when
 * it opened, though it may not serve yet (a Riak cluster whose vnodes are
 * still starting), which the ping at start finds out.
 */
export class StoreProbe {
  private readonly events = new EventEmitter();
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private running: Promise<boolean> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private isReachable = true;
  private lastError: string | undefined;

  constructor(
    private readonly store: Pick<KeyValueStore, "ping">,
    options: StoreProbeOptions,
  ) {
    this.intervalMs = options.intervalMs;
    this.timeoutMs = options.timeoutMs;
  }

  /** The result of the latest ping. */
  get reachable(): boolean {
    return this.isReachable;
  }

  /** Why the latest ping failed; undefined while reachable. */
  get error(): string | undefined {
    return this.lastError;
  }

  /** Pings now and starts the background pings; they do not keep the process alive. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.check(), this.intervalMs).unref();
    void this.check();
  }

  /** Stops the background pings. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Pings now (or joins the ping under way); resolves to whether the store answered. */
  check(): Promise<boolean> {
    this.running ??= this.ping().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Calls `listener` when reachability changes; returns the unsubscribe function. */
  onChange(listener: (reachable: boolean) => void): () => void {
    this.events.on("change", listener);
    return () => this.events.off("change", listener);
  }

  private async ping(): Promise<boolean> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      // Raced with the signal too, for stores that do not watch it.
      await Promise.race([
        this.store.ping({ signal }),
        new Promise<never>((_resolve, reject) => {
          signal.addEventListener("abort", () => reject(new Error("the ping timed out")));
        }),
      ]);
      this.set(true, undefined);
    } catch (error) {
      this.set(false, signal.aborted ? `no answer within ${this.timeoutMs} ms` : messageOf(error));
    }
    return this.isReachable;
  }

  private set(reachable: boolean, error: string | undefined): void {
    this.lastError = error;
    if (reachable === this.isReachable) return;
    this.isReachable = reachable;
    this.events.emit("change", reachable);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
