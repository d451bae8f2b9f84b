import type { EventBus } from "./event-bus.js";
import { LocalEventBus } from "./local-event-bus.js";
import { RedisEventBus, type RedisEventBusOptions } from "./redis-event-bus.js";

/** Where live events travel: `config.redis`. */
export interface EventBusConfig {
  /** Redis URL; empty = in-process, this instance only. */
  readonly url: string;
  /** Bounds one Redis command and the wait for a connection, in ms. */
  readonly commandTimeoutMs: number;
}

/** What the Redis bus reports beyond its answers: see {@link RedisEventBusOptions}. */
export type EventBusObservers = Pick<RedisEventBusOptions, "logger" | "onUnsubscribeFailed">;

/** The Redis bus when a URL is configured, else the in-process one. */
export function createEventBus(
  config: EventBusConfig,
  observers: EventBusObservers = {},
): EventBus {
  if (config.url === "") return new LocalEventBus();
  return new RedisEventBus({
    url: config.url,
    commandTimeoutMs: config.commandTimeoutMs,
    ...observers,
  });
}
