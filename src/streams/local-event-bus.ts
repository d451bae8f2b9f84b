import { Code, ConnectError } from "@connectrpc/connect";
import type { EventBus, EventBusStats, EventListener, Unsubscribe } from "./event-bus.js";
import type { InboxEvent } from "./inbox-event.js";
import { ListenerRegistry } from "./listener-registry.js";

/**
 * The in-process bus, used when no Redis is configured: an event reaches the
 * subscribers of this instance only, synchronously, in publish order.
 */
export class LocalEventBus implements EventBus {
  private readonly registry = new ListenerRegistry();
  private closed = false;

  async publish(username: string, event: InboxEvent): Promise<void> {
    this.registry.dispatch(username, event);
  }

  async broadcast(usernames: readonly string[], event: InboxEvent): Promise<number> {
    let reached = 0;
    for (const username of usernames) {
      if (!this.registry.has(username)) continue;
      this.registry.dispatch(username, event);
      reached++;
    }
    return reached;
  }

  async subscribe(username: string, listener: EventListener): Promise<Unsubscribe> {
    if (this.closed) throw new ConnectError("the event bus is closed", Code.Unavailable);
    this.registry.add(username, listener);
    return () => {
      this.registry.remove(username, listener);
    };
  }

  stats(): EventBusStats {
    return this.registry.stats();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.registry.loseAll(new ConnectError("the event bus is closed", Code.Unavailable));
  }
}
