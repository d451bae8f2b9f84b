import type { Quorum } from "../riak/quorum.js";

/** The service's configuration, as `config.yml` sets it (snake_case there). */
export interface Config {
  readonly server: {
    /** API port: gRPC, gRPC-Web, Connect and REST. Default 8080 (`PORT`). */
    readonly port: number;
    /** Admin port: health, readiness, metrics. Default 8081 (`ADMIN_PORT`). */
    readonly adminPort: number;
    /** Interface to bind. Default all (`HOST`). */
    readonly host: string;
    /** Largest request body, in bytes. Default 65536. */
    readonly requestMaxBytes: number;
    /** Largest deadline a client may set, in ms. Default 60000. */
    readonly maxDeadlineMs: number;
    /** How long shutdown lets in-flight calls finish, in ms. Default 5000. */
    readonly drainMs: number;
    /** How long an HTTP/1.1 client may take to send a request's headers, in ms. Default 30000. */
    readonly headersTimeoutMs: number;
    /** Concurrent HTTP/2 streams (calls) one connection may open. Default 100. */
    readonly maxStreamsPerConnection: number;
    /** Streaming calls open at once over all connections; more are RESOURCE_EXHAUSTED. Default 10000. */
    readonly maxStreams: number;
  };
  readonly storage: {
    /** The embedded store's directory. Default `./data` (`DATA_DIR`). */
    readonly dataDir: string;
    /** Notifications kept per user. Default 1000. */
    readonly retention: number;
    /** How often storage is pinged for readiness and health, in ms. Default 5000. */
    readonly pingIntervalMs: number;
    /** How long a ping may take before storage counts as unreachable, in ms. Default 1000. */
    readonly pingTimeoutMs: number;
  };
  readonly rules: {
    /** How long another instance's rule change may take to apply here, in ms. Default 10000. */
    readonly refreshMs: number;
  };
  readonly riak: {
    /** `host:port` list; empty selects the embedded store (`RIAK_NODES`). */
    readonly nodes: string;
    /** The bucket type holding every bucket (`RIAK_BUCKET_TYPE`). Default `notifications`. */
    readonly bucketType: string;
    /** Read quorum: a count or one, quorum, all, default. Default `quorum`. */
    readonly r: Quorum;
    /** Primary replicas a read needs. Default `default` (the bucket's). */
    readonly pr: Quorum;
    /** Write quorum. Default `quorum`. */
    readonly w: Quorum;
    /** Primary replicas a write needs. Default `default`. */
    readonly pw: Quorum;
    /** Durable-write quorum. Default `quorum`. */
    readonly dw: Quorum;
    /** The longest one storage call may take, retries included, in ms. Default 5000. */
    readonly timeoutMs: number;
    /** Nodes tried per call. Default 3. */
    readonly attempts: number;
  };
  readonly streams: {
    /** A heartbeat goes out on a stream idle for this many ms. Default 15000. */
    readonly heartbeatMs: number;
    /** Events buffered per subscriber; one more ends its stream with RESOURCE_EXHAUSTED. Default 1000. */
    readonly queueSize: number;
  };
  readonly redis: {
    /** Redis for stream fan-out across instances; empty = in-process (`REDIS_URL`). */
    readonly url: string;
    /** Bounds one PUBLISH or SUBSCRIBE and the wait for a connection, in ms. Default 1000. */
    readonly commandTimeoutMs: number;
  };
  readonly log: {
    /** pino level. Default `info` (`LOG_LEVEL`). */
    readonly level: string;
  };
}

/** The defaults, used for every key `config.yml` leaves out. */
export const defaultConfig: Config = Object.freeze({
  server: Object.freeze({
    port: 8080,
    adminPort: 8081,
    host: "0.0.0.0",
    requestMaxBytes: 65_536,
    maxDeadlineMs: 60_000,
    drainMs: 5000,
    headersTimeoutMs: 30_000,
    maxStreamsPerConnection: 100,
    maxStreams: 10_000,
  }),
  storage: Object.freeze({
    dataDir: "./data",
    retention: 1000,
    pingIntervalMs: 5000,
    pingTimeoutMs: 1000,
  }),
  rules: Object.freeze({ refreshMs: 10_000 }),
  riak: Object.freeze({
    nodes: "",
    bucketType: "notifications",
    r: "quorum",
    pr: "default",
    w: "quorum",
    pw: "default",
    dw: "quorum",
    timeoutMs: 5000,
    attempts: 3,
  }),
  streams: Object.freeze({ heartbeatMs: 15_000, queueSize: 1000 }),
  redis: Object.freeze({ url: "", commandTimeoutMs: 1000 }),
  log: Object.freeze({ level: "info" }),
});
