import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

const rpcLabels = ["method", "protocol", "code"] as const;
const storageLabels = ["operation", "bucket", "outcome"] as const;
type RpcLabels = (typeof rpcLabels)[number];
type StorageLabels = (typeof storageLabels)[number];

/**
 * The service's metrics, in a registry of their own (so that several services
 * in one process, as in tests, do not share counters). Names start with
 * `notification_`; Node's process metrics (`process_*`, `nodejs_*`) come too.
 */
export interface Metrics {
  readonly registry: Registry;
  /** Calls answered, by `method` (`pkg.Service/Method`), `protocol` and `code` (`ok`, `not_found`, ...). */
  readonly rpcRequests: Counter<RpcLabels>;
  /** Call duration in seconds, from the request headers to the last response byte handed over. */
  readonly rpcDuration: Histogram<RpcLabels>;
  /** Streaming calls open now, by method and protocol. */
  readonly openStreams: Gauge<"method" | "protocol">;
  /** Storage calls, by `operation` (get, put, delete, ping), `bucket` and `outcome` (ok, error). */
  readonly storageOperations: Counter<StorageLabels>;
  /** Storage call duration in seconds. */
  readonly storageDuration: Histogram<StorageLabels>;
  /** Siblings found by each storage read, by bucket (1 is the norm; 0 is an absent key). */
  readonly siblings: Histogram<"bucket">;
}

const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Creates the metrics in a new registry, with Node's default process metrics. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    rpcRequests: new Counter({
      name: "notification_rpc_requests_total",
      help: "RPC calls answered, by method, protocol and status code.",
      labelNames: rpcLabels,
      registers,
    }),
    rpcDuration: new Histogram({
      name: "notification_rpc_duration_seconds",
      help: "RPC call duration in seconds, by method, protocol and status code.",
      labelNames: rpcLabels,
      buckets: latencyBuckets,
      registers,
    }),
    openStreams: new Gauge({
      name: "notification_rpc_open_streams",
      help: "Streaming RPC calls open now, by method and protocol.",
      labelNames: ["method", "protocol"],
      registers,
    }),
    storageOperations: new Counter({
      name: "notification_storage_operations_total",
      help: "Storage calls, by operation, bucket and outcome.",
      labelNames: storageLabels,
      registers,
    }),
    storageDuration: new Histogram({
      name: "notification_storage_duration_seconds",
      help: "Storage call duration in seconds, by operation, bucket and outcome.",
      labelNames: storageLabels,
      buckets: latencyBuckets,
      registers,
    }),
    siblings: new Histogram({
      name: "notification_storage_read_siblings",
      help: "Siblings found by each storage read, by bucket.",
      labelNames: ["bucket"],
      buckets: [0, 1, 2, 3, 5, 10, 20, 50],
      registers,
    }),
  };
}
