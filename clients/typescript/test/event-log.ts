import type { SubscribeEvent } from "../src/index.js";

/** Reads a subscription in the background and keeps what it delivered, for tests to poll. */
export class EventLog {
  readonly events: SubscribeEvent[] = [];
  #failure: unknown;
  readonly #done: Promise<void>;

  constructor(subscription: AsyncIterable<SubscribeEvent>) {
    this.#done = (async () => {
      try {
        for await (const event of subscription) this.events.push(event);
      } catch (error) {
        this.#failure = error;
      }
    })();
  }

  /** The ids of the notifications delivered so far, in order; throws what ended the subscription. */
  notificationIds(): string[] {
    if (this.#failure !== undefined) throw this.#failure;
    return this.events.flatMap((event) => (event.case === "notification" ? [event.value.id] : []));
  }

  /** How many `state` events (one per connection) arrived so far. */
  states(): number {
    if (this.#failure !== undefined) throw this.#failure;
    return this.events.filter((event) => event.case === "state").length;
  }

  /** Resolves once the subscription ended (its signal aborted, or it failed). */
  ended(): Promise<void> {
    return this.#done;
  }
}
