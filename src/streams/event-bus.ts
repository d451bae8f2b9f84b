import type { ConnectError } from "@connectrpc/connect";
import type { InboxEvent } from "./inbox-event.js";

/** Receives the events of one user's channel (inbox events, or what a feed makes of them). */
export interface EventListener<T = InboxEvent> {
  /** Called synchronously for each event, in publish order; must be quick and must not throw. */
  event(event: T): void;
  /**
   * The feed broke and events may have been missed (UNAVAILABLE). Called at
   * most once; the listener is already removed when it is called.
   */
  lost(error: ConnectError): void;
}

/** Ends a listener's subscription; calling it again does nothing. */
export type Unsubscribe = () => void;

/** How many listeners and channels a bus holds: both return to zero when every stream ends. */
export interface EventBusStats {
  /** Users with at least one local listener (Redis: SUBSCRIBEd channels). */
  readonly channels: number;
  /** Local listeners over all users: one per open stream. */
  readonly listeners: number;
}

/** Where a stream's subscription listens: the bus itself, or a feed over it. */
export interface EventSource<T> {
  /**
   * Adds a listener to the user's events. Resolves once every event
   * published from then on will reach it; rejects with UNAVAILABLE when the
   * feed cannot be joined.
   */
  subscribe(username: string, listener: EventListener<T>): Promise<Unsubscribe>;
}

/**
 * Carries inbox events from the instance that stored a change to every
 * instance with a subscriber of that user: in-process, or over Redis pub/sub.
 */
export interface EventBus extends EventSource<InboxEvent> {
  /**
   * Publishes an event on the user's channel. Never rejects and is bounded in
   * time: a failure is logged and ends this instance's listeners of the user
   * (they resume from storage), and must not fail the write that caused it.
   */
  publish(username: string, event: InboxEvent): Promise<void>;
  /**
   * Publishes one event on the channel of each of `usernames` (a live-only
   * broadcast). Resolves with how many of those channels had a listener,
   * counting each instance that has one once (with Redis: what PUBLISH
   * answers); never rejects, a failed publish counts 0.
   */
  broadcast(usernames: readonly string[], event: InboxEvent): Promise<number>;
  /** Current counts, for tests and metrics. */
  stats(): EventBusStats;
  /** Tells every listener the feed is gone and releases connections. */
  close(): Promise<void>;
}
