import type { MessageInitShape } from "@bufbuild/protobuf";
import { type Client, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import type { Notification } from "../../src/gen/notification/v1/notification_pb.js";
import {
  StreamService,
  type SubscribeRequestSchema,
  type SubscribeResponse,
} from "../../src/gen/notification/v1/stream_pb.js";

/** What a test subscribes with. */
export type SubscribeInit = MessageInitShape<typeof SubscribeRequestSchema>;

/** Resolves once `condition` holds, checked after every `changed()`; rejects after `timeoutMs`. */
export class Waiter {
  private readonly wakers = new Set<() => void>();

  /** Re-checks every pending condition. */
  changed(): void {
    for (const wake of [...this.wakers]) wake();
  }

  until(condition: () => boolean, describe: () => string, timeoutMs = 15_000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.wakers.delete(check);
        reject(new Error(`timed out waiting: ${describe()}`));
      }, timeoutMs);
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.wakers.delete(check);
        resolve();
      };
      this.wakers.add(check);
    });
  }
}

/**
 * `vi.waitFor` options for the stream tests: retry every 10 ms for up to 15 s (vitest's
 * default, 1 s, is too short for a server and Redis on a busy two-core machine).
 */
export const patiently = { timeout: 15_000, interval: 10 } as const;

/**
 * One Subscribe call read in the background: every event is recorded, the
 * error it ended with too, and tests wait for conditions on them.
 */
export class StreamReader {
  readonly events: SubscribeResponse[] = [];
  error: ConnectError | undefined;
  ended = false;
  private readonly controller = new AbortController();
  private readonly waiter = new Waiter();
  private readonly done: Promise<void>;

  constructor(client: Client<typeof StreamService>, request: SubscribeInit) {
    this.done = this.read(client, request);
  }

  /** Opens a stream over `transport`. */
  static open(transport: Transport, request: SubscribeInit): StreamReader {
    return new StreamReader(createClient(StreamService, transport), request);
  }

  /** The notification events, in arrival order. */
  notifications(): Notification[] {
    const out: Notification[] = [];
    for (const e of this.events) if (e.event.case === "notification") out.push(e.event.value);
    return out;
  }

  /** The ids of the notification events, in arrival order. */
  ids(): string[] {
    return this.notifications().map((n) => n.id);
  }

  /** The events other than heartbeats, as `case` names. */
  kinds(): string[] {
    return this.events.map((e) => e.event.case ?? "").filter((c) => c !== "heartbeat");
  }

  until(condition: (reader: this) => boolean, what: string, timeoutMs?: number): Promise<void> {
    return this.waiter.until(
      () => condition(this),
      () => `${what}; got ${JSON.stringify(this.kinds())}, error ${this.error?.message}`,
      timeoutMs,
    );
  }

  /** Waits for the first event (the state): the subscription is live from then on. */
  async live(): Promise<void> {
    await this.until((r) => r.events.length > 0 || r.ended, "the state event");
    if (this.events[0]?.event.case !== "state") {
      throw new Error(`no state event first: ${this.error?.message ?? this.kinds()}`);
    }
  }

  /** Waits for the stream to end; resolves to the error it ended with. */
  async finished(): Promise<ConnectError | undefined> {
    await this.done;
    return this.error;
  }

  /** Cancels the call and waits for it to end. */
  async cancel(): Promise<void> {
    this.controller.abort();
    await this.done;
  }

  private async read(client: Client<typeof StreamService>, request: SubscribeInit) {
    try {
      for await (const response of client.subscribe(request, { signal: this.controller.signal })) {
        this.events.push(response);
        this.waiter.changed();
      }
    } catch (error) {
      this.error = ConnectError.from(error);
    } finally {
      this.ended = true;
      this.waiter.changed();
    }
  }
}
