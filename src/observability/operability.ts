import type { ConnectRouter, HandlerContext, Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";
import { Gauge } from "prom-client";
import { type AdminServer, startAdminServer } from "../admin/admin-server.js";
import { readPackageInfo } from "../admin/package-info.js";
import type { Config } from "../config/config.js";
import { registerHealth } from "../grpc/health/health-service.js";
import { registerReflection } from "../grpc/reflection/reflection-service.js";
import type { BreakerListener } from "../riak/cluster.js";
import type { KeyValueStore } from "../storage/key-value-store.js";
import type { RiakExtras } from "../storage/open-store.js";
import type { SiblingObserver } from "../storage/resolving-store.js";
import { createCallObserver } from "./call-observer.js";
import { MeteredStore } from "./metered-store.js";
import { createMetrics, type Metrics } from "./metrics.js";
import { Readiness } from "./readiness.js";
import { type RiakNodeSource, registerRiakMetrics } from "./riak-metrics.js";
import { StoreProbe } from "./store-probe.js";

/**
 * Everything that lets operators see into the service and stop it cleanly:
 * metrics, request logs, stream limits, storage probe, readiness, gRPC
 * reflection and health, and the admin port. `startService` plugs it in at
 * each step: the store, the router, the server options, start and close.
 */
export interface Operability {
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Riak options that report breaker changes (logged), on top of `extras`. */
  riakExtras(extras?: RiakExtras): RiakExtras;
  /** Meters the store, exposes its Riak nodes' metrics, and starts probing it. */
  observeStore(store: KeyValueStore): KeyValueStore;
  /** For `createApp`: records the sibling count of every read. */
  readonly observeSiblings: SiblingObserver;
  /** For the API server: request ids, stream limit, request logs and metrics. */
  readonly requestGate: (context: HandlerContext) => void;
  /** Goes first among the API server's interceptors. */
  readonly interceptor: Interceptor;
  /** Registers gRPC reflection (v1, v1alpha) and health, after the API services. */
  routes(router: ConnectRouter): void;
  /** Starts the admin port; resolves to its bound port. */
  startAdmin(): Promise<number>;
  /** Marks the service as draining (not ready, health NOT_SERVING) and lets watchers hear it. */
  drain(): Promise<void>;
  /** Closes the admin port. */
  close(): Promise<void>;
}

/** Builds the operability parts from the configuration. */
export function createOperability(config: Config, logger: Logger): Operability {
  const metrics = createMetrics();
  const observer = createCallObserver({ logger, metrics, maxStreams: config.server.maxStreams });
  let probe: StoreProbe | undefined;
  let readiness: Readiness | undefined;
  let admin: AdminServer | undefined;
  const ready = () => {
    if (!readiness) throw new Error("observeStore must be called first");
    return readiness;
  };

  return {
    metrics,
    logger,
    riakExtras(extras = {}) {
      const onBreakerStateChange: BreakerListener = (node, state) => {
        logger.warn({ node, breaker: state }, `Riak node ${node}: circuit breaker ${state}`);
        extras.onBreakerStateChange?.(node, state);
      };
      return { ...extras, onBreakerStateChange };
    },
    observeStore(store) {
      if (isRiakNodeSource(store)) registerRiakMetrics(metrics.registry, store);
      const metered = new MeteredStore(store, metrics);
      const storeProbe = new StoreProbe(metered, {
        intervalMs: config.storage.pingIntervalMs,
        timeoutMs: config.storage.pingTimeoutMs,
      });
      storeProbe.onChange((reachable) => {
        if (reachable) logger.info("storage is reachable again");
        else logger.error({ error: storeProbe.error }, "storage is unreachable");
      });
      new Gauge({
        name: "notification_storage_reachable",
        help: "1 when the latest storage ping succeeded, else 0.",
        registers: [metrics.registry],
        collect() {
          this.set(storeProbe.reachable ? 1 : 0);
        },
      });
      storeProbe.start();
      probe = storeProbe;
      readiness = new Readiness(storeProbe);
      return metered;
    },
    observeSiblings: (bucket, siblings) => metrics.siblings.observe({ bucket }, siblings),
    requestGate: observer.requestGate,
    interceptor: observer.interceptor,
    routes(router) {
      registerReflection(router);
      registerHealth(router, ready());
    },
    async startAdmin() {
      admin = await startAdminServer({
        port: config.server.adminPort,
        host: config.server.host,
        readiness: ready(),
        registry: metrics.registry,
        packageInfo: await readPackageInfo(),
      });
      return admin.port;
    },
    async drain() {
      probe?.stop();
      ready().drain();
      // One turn of the event loop, so that open Watch streams send NOT_SERVING
      // before the server ends them.
      await new Promise((resolve) => setImmediate(resolve));
    },
    async close() {
      probe?.stop();
      await admin?.close();
    },
  };
}

function isRiakNodeSource(store: object): store is RiakNodeSource {
  return typeof (store as Partial<RiakNodeSource>).nodeStates === "function";
}
