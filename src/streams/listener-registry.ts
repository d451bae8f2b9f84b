import type { ConnectError } from "@connectrpc/connect";
import type { EventBusStats, EventListener } from "./event-bus.js";
import type { InboxEvent } from "./inbox-event.js";

/**
 * The local listeners of each user's channel, shared by every bus: adding the
 * first listener of a user and removing the last are reported, so that a bus
 * holds exactly one upstream subscription per user with local listeners.
 */
export class ListenerRegistry<T = InboxEvent> {
  private readonly channels = new Map<string, Set<EventListener<T>>>();
  private listenerCount = 0;

  /** Adds a listener; true when it is the user's first. */
  add(username: string, listener: EventListener<T>): boolean {
    let listeners = this.channels.get(username);
    const first = listeners === undefined;
    if (!listeners) {
      listeners = new Set();
      this.channels.set(username, listeners);
    }
    if (!listeners.has(listener)) {
      listeners.add(listener);
      this.listenerCount++;
    }
    return first;
  }

  /** Removes a listener; true when it was the user's last. Unknown listeners are ignored. */
  remove(username: string, listener: EventListener<T>): boolean {
    const listeners = this.channels.get(username);
    if (!listeners?.delete(listener)) return false;
    this.listenerCount--;
    if (listeners.size > 0) return false;
    this.channels.delete(username);
    return true;
  }

  /** Whether the user has local listeners. */
  has(username: string): boolean {
    return this.channels.has(username);
  }

  /** Hands an event to each listener of the user. */
  dispatch(username: string, event: T): void {
    const listeners = this.channels.get(username);
    if (!listeners) return;
    // A listener may remove itself (its queue overflowed): iterate a copy.
    for (const listener of [...listeners]) listener.event(event);
  }

  /** Removes every listener of the user, telling each that its feed is lost. */
  lose(username: string, error: ConnectError): void {
    const listeners = this.channels.get(username);
    if (!listeners) return;
    this.channels.delete(username);
    this.listenerCount -= listeners.size;
    for (const listener of listeners) listener.lost(error);
  }

  /** Removes every listener of every user, telling each that its feed is lost. */
  loseAll(error: ConnectError): void {
    for (const username of [...this.channels.keys()]) this.lose(username, error);
  }

  /** Channel and listener counts. */
  stats(): EventBusStats {
    return { channels: this.channels.size, listeners: this.listenerCount };
  }
}
