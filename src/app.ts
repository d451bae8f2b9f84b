import type { ConnectRouter } from "@connectrpc/connect";
import { createIdGenerator } from "./domain/ids.js";
import { NotificationService } from "./gen/notification/v1/notification_pb.js";
import { RuleService } from "./gen/notification/v1/rule_pb.js";
import { StreamService } from "./gen/notification/v1/stream_pb.js";
import type { ServiceDependencies } from "./services/dependencies.js";
import { createNotificationService } from "./services/notification-service.js";
import { RuleCache } from "./services/rule-cache.js";
import { createRuleService } from "./services/rule-service.js";
import {
  createStreamService,
  defaultStreamOptions,
  type StreamOptions,
} from "./services/stream-service.js";
import type { KeyValueStore } from "./storage/key-value-store.js";
import { createRepositories, type RepositoryOptions } from "./storage/repositories.js";
import type { EventBus } from "./streams/event-bus.js";
import { LocalEventBus } from "./streams/local-event-bus.js";

/** Options of the application core. */
export interface AppOptions extends RepositoryOptions {
  /** How old cached rules may be, in ms. Default 10 000. */
  readonly ruleRefreshMs?: number;
  /** The clock, in ms since the Unix epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** Carries live-stream events; closed with the app. Default: in-process. */
  readonly events?: EventBus;
  /** Heartbeat interval and per-subscriber queue of live streams. */
  readonly streams?: Partial<StreamOptions>;
  /** See {@link ServiceDependencies.onReadBackFailed}. Default: nobody. */
  readonly onReadBackFailed?: (error: unknown) => void;
}

/** The services over one store, ready to mount on a Connect router. */
export interface App {
  readonly deps: ServiceDependencies;
  /** Registers every service. */
  routes(router: ConnectRouter): void;
  /** Waits for queued writes, then closes the event bus and the store. */
  close(): Promise<void>;
}

/** Wires the domain, the repositories and the services over a store. */
export function createApp(store: KeyValueStore, options: AppOptions = {}): App {
  const now = options.now ?? Date.now;
  const repositories = createRepositories(store, options);
  const deps: ServiceDependencies = {
    repositories,
    rules: new RuleCache(repositories.rules, options.ruleRefreshMs, now),
    newId: createIdGenerator(now),
    now,
    events: options.events ?? new LocalEventBus(),
    onReadBackFailed: options.onReadBackFailed ?? (() => {}),
  };
  const streams = { ...defaultStreamOptions, ...options.streams };
  return {
    deps,
    routes(router) {
      router.service(NotificationService, createNotificationService(deps));
      router.service(RuleService, createRuleService(deps));
      router.service(StreamService, createStreamService(deps, streams));
    },
    async close() {
      await repositories.idle();
      await deps.events.close();
      await store.close();
    },
  };
}
