// The options of each module as the service passes them from a config.yml
// that sets nothing: the schema's defaults, through the composition root's
// own mapping. Tests that build modules directly take their options here,
// changing only what they test, so no test holds a default of its own.
import { defaultConfig } from "../../src/config/config-schema.js";
import { createIdGenerator } from "../../src/domain/ids.js";
import type { IngestConsumerOptions } from "../../src/ingest/ingest-consumer.js";
import type { RedisStreamSourceOptions } from "../../src/ingest/redis-stream-source.js";
import type { StoreProbeOptions } from "../../src/observability/store-probe.js";
import type { RiakNodeAddress } from "../../src/riak/client.js";
import type { RiakClusterOptions } from "../../src/riak/cluster.js";
import {
  type AppOptions,
  appOptions,
  httpServerOptions,
  ingestOptions,
  redisOptions,
  redisStreamOptions,
  repositoryOptions,
  riakOptions,
  storeProbeOptions,
} from "../../src/service.js";
import type { RepositoryOptions } from "../../src/storage/repositories.js";
import type { RiakOptions } from "../../src/storage/riak-store.js";
import { LocalEventBus } from "../../src/streams/local-event-bus.js";
import type { RedisEventBusOptions } from "../../src/streams/redis-event-bus.js";

/** The Riak bucket type of the default configuration. */
export const defaultBucketType = defaultConfig.riak.bucket_type;

/** The services' options: defaults, a new in-process bus and the real clock, then `overrides`. */
export function testAppOptions(overrides: Partial<AppOptions> = {}): AppOptions {
  return {
    ...appOptions(defaultConfig),
    unsubscribeTokens: undefined,
    events: new LocalEventBus(),
    now: Date.now,
    ...overrides,
  };
}

/** The repositories' options: defaults, a new id generator, then `overrides`. */
export function testRepositoryOptions(
  overrides: Partial<RepositoryOptions> = {},
): RepositoryOptions {
  return { ...repositoryOptions(defaultConfig), newId: createIdGenerator(), ...overrides };
}

/** The Riak store's options over `nodes`: defaults, then `overrides`. */
export function testRiakOptions(
  nodes: string | readonly RiakNodeAddress[],
  overrides: Partial<Omit<RiakOptions, "nodes">> = {},
): RiakOptions {
  return { ...riakOptions(defaultConfig), nodes, ...overrides };
}

/** A Riak cluster's options: the configured attempts, then `overrides` (the rest has library defaults). */
export function testClusterOptions(
  overrides: Partial<RiakClusterOptions> = {},
): Partial<RiakClusterOptions> & Pick<RiakClusterOptions, "attempts"> {
  return { attempts: defaultConfig.riak.attempts, ...overrides };
}

/** The storage probe's options: defaults, then `overrides`. */
export function testStoreProbeOptions(
  overrides: Partial<StoreProbeOptions> = {},
): StoreProbeOptions {
  return { ...storeProbeOptions(defaultConfig), ...overrides };
}

/** The Redis bus's options for `url`: defaults, then `overrides`. */
export function testRedisOptions(
  url: string,
  overrides: Partial<RedisEventBusOptions> = {},
): RedisEventBusOptions {
  return { ...redisOptions(defaultConfig), url, ...overrides };
}

/** The API server's settings (host, limits, timeouts): defaults, on loopback. */
export function testHttpServerOptions() {
  return { ...httpServerOptions(defaultConfig), host: "127.0.0.1" };
}

/** The ingestion consumer's settings (batch, in flight, claims, retries): defaults, then `overrides`. */
export function ingestTestOptions(overrides: Partial<ReturnType<typeof ingestOptions>> = {}) {
  return { ...ingestOptions(defaultConfig), ...overrides } satisfies Partial<IngestConsumerOptions>;
}

/** The Redis stream source's options for `url` and `stream`: defaults, then `overrides`. */
export function testRedisStreamOptions(
  url: string,
  stream: string,
  overrides: Partial<RedisStreamSourceOptions> = {},
): RedisStreamSourceOptions {
  return {
    ...redisStreamOptions({
      ...defaultConfig,
      redis: { ...defaultConfig.redis, url },
      ingest: { ...defaultConfig.ingest, redis_stream: stream },
    }),
    ...overrides,
  };
}
