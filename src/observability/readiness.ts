import { EventEmitter, on } from "node:events";
import type { StoreProbe } from "./store-probe.js";

/**
 * Whether the service should be sent traffic: storage is reachable and the
 * server is not draining. Read by `/readyz` and `grpc.health.v1.Health`.
 */
export class Readiness {
  private readonly events = new EventEmitter();
  private isDraining = false;
  private wasReady: boolean;

  constructor(private readonly probe: StoreProbe) {
    // One listener per open Health.Watch stream: many are normal, and the
    // server's stream limits bound them, so Node's leak warning at 10 would
    // only be noise.
    this.events.setMaxListeners(0);
    this.wasReady = this.ready;
    probe.onChange(() => this.update());
  }

  /** Ready as of the latest ping. */
  get ready(): boolean {
    return !this.isDraining && this.probe.reachable;
  }

  /** Why the service is not ready; undefined when it is. */
  get reason(): string | undefined {
    if (this.isDraining) return "the server is shutting down";
    if (!this.probe.reachable) return `storage is unreachable (${this.probe.error})`;
    return undefined;
  }

  /** Pings storage now (unless draining) and resolves to whether the service is ready. */
  async check(): Promise<boolean> {
    if (!this.isDraining) await this.probe.check();
    return this.ready;
  }

  /** Marks the service as shutting down: not ready from now on. */
  drain(): void {
    this.isDraining = true;
    this.update();
  }

  /**
   * Each change of readiness from this call on (none is missed while the
   * caller is busy), until `signal` aborts; the iterator then throws.
   */
  changes(signal: AbortSignal): AsyncIterable<boolean> {
    const events = on(this.events, "change", { signal });
    return (async function* () {
      for await (const [ready] of events) yield ready as boolean;
    })();
  }

  private update(): void {
    const ready = this.ready;
    if (ready === this.wasReady) return;
    this.wasReady = ready;
    this.events.emit("change", ready);
  }
}
