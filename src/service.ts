import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import type { ConnectRouter } from "@connectrpc/connect";
import type { Logger } from "pino";
import { type AdminServer, startAdminServer } from "./admin/admin-server.js";
import { readPackageInfo } from "./admin/package-info.js";
import { createServerAuth } from "./auth/server-auth.js";
import { createUnsubscribeTokens, type UnsubscribeTokens } from "./auth/unsubscribe-token.js";
import { ConfigError } from "./config/config-error.js";
import type { Config } from "./config/config-schema.js";
import { createDigestDelivery, type DigestDeliveryOptions } from "./digests/digest-delivery.js";
import { type DigestMetrics, registerDigestMetrics } from "./digests/digest-metrics.js";
import { type DigestTemplates, loadDigestTemplates } from "./digests/digest-templates.js";
import { DigestWorker } from "./digests/digest-worker.js";
import { createSmtpSender, type MailSender } from "./digests/mail-sender.js";
import { createIdGenerator } from "./domain/ids.js";
import { JobService } from "./gen/notification/v1/job_pb.js";
import { NotificationService } from "./gen/notification/v1/notification_pb.js";
import { PreferenceService } from "./gen/notification/v1/preference_pb.js";
import { RuleService } from "./gen/notification/v1/rule_pb.js";
import { StreamService } from "./gen/notification/v1/stream_pb.js";
import { TopicService } from "./gen/notification/v1/topic_pb.js";
import { registerHealth } from "./grpc/health/health-service.js";
import { registerReflection } from "./grpc/reflection/reflection-service.js";
import { IngestConsumer, type IngestConsumerOptions } from "./ingest/ingest-consumer.js";
import { createIngestMetrics } from "./ingest/ingest-metrics.js";
import { RedisStreamSource, type RedisStreamSourceOptions } from "./ingest/redis-stream-source.js";
import { createServiceSink } from "./ingest/service-sink.js";
import { createLogger } from "./logging/logger.js";
import { createCallObserver } from "./observability/call-observer.js";
import {
  createIgnoredErrorReporter,
  type IgnoredErrorReporter,
} from "./observability/ignored-errors.js";
import { MeteredStore } from "./observability/metered-store.js";
import { createMetrics, type Metrics } from "./observability/metrics.js";
import { Readiness } from "./observability/readiness.js";
import { registerRiakMetrics } from "./observability/riak-metrics.js";
import { registerStorageReachable } from "./observability/storage-reachable.js";
import { StoreProbe, type StoreProbeOptions } from "./observability/store-probe.js";
import { createRestTranscoder } from "./rest/transcoder.js";
import { errorMapping } from "./server/error-mapping.js";
import { type HttpServerOptions, startHttpServer } from "./server/http-server.js";
import { loadWebInbox, type WebInbox, webInboxPath } from "./server/web-inbox.js";
import {
  deleteByKeyHandler,
  readByKeyHandler,
  updateByKeyHandler,
} from "./services/by-key-jobs.js";
import type { CountedFeeds } from "./services/counted-feeds.js";
import type { ProducerSettings, ServiceDependencies } from "./services/dependencies.js";
import { createJobMetrics } from "./services/job-metrics.js";
import { JobRunner, type JobRunnerOptions } from "./services/job-runner.js";
import { createJobService } from "./services/job-service.js";
import { createNotificationService } from "./services/notification-service.js";
import { PreferenceCache } from "./services/preference-cache.js";
import { createPreferenceService } from "./services/preference-service.js";
import { publishJobHandler } from "./services/publish-job.js";
import { RuleCache } from "./services/rule-cache.js";
import { createRuleService } from "./services/rule-service.js";
import {
  createCountedFeeds,
  createStreamService,
  type StreamOptions,
} from "./services/stream-service.js";
import { createTopicService } from "./services/topic-service.js";
import { EmbeddedStore } from "./storage/embedded-store.js";
import type { KeyValueStore } from "./storage/key-value-store.js";
import { createRepositories, type RepositoryOptions } from "./storage/repositories.js";
import type {
  AfterWriteFailureListener,
  RepairFailureListener,
  SiblingObserver,
} from "./storage/resolving-store.js";
import { createRiakStore, type RiakOptions } from "./storage/riak-store.js";
import type { MissingSegmentListener } from "./storage/segment-store.js";
import type { EventBus } from "./streams/event-bus.js";
import { registerEventBusMetrics } from "./streams/event-bus-metrics.js";
import { LocalEventBus } from "./streams/local-event-bus.js";
import { RedisEventBus, type RedisEventBusOptions } from "./streams/redis-event-bus.js";

// The composition root: the one place that reads the configuration and
// builds the service from its parts. Every module below takes required,
// typed options; the defaults live in the config schema alone.

/** Options that tests and embedders set beyond `config.yml`. */
export interface ServiceOptions {
  /** Default: JSON on stdout at `log.level`. */
  readonly logger?: Logger;
  /** The clock, in ms since the Unix epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** Riak pool and breaker tuning, and a breaker listener (beside the log line). */
  readonly riak?: Pick<RiakOptions, "cluster" | "onBreakerStateChange">;
  /**
   * Whether the digest worker scans by itself every `digest.poll_ms`.
   * Default true; tests that move the clock call `digests.scan()` instead.
   */
  readonly scanDigests?: boolean;
}

/** A running service: the API server and the admin port over the configured store. */
export interface RunningService {
  /** The API port (useful when the config asked for port 0). */
  readonly port: number;
  /** The admin port: health, readiness, metrics. */
  readonly adminPort: number;
  readonly app: App;
  /** The store the services use (metered). */
  readonly store: KeyValueStore;
  /** Where stored changes travel to live streams. */
  readonly events: EventBus;
  /** The consumer of `ingest.redis_stream`; undefined when ingestion is off. */
  readonly ingest: IngestConsumer | undefined;
  readonly metrics: Metrics;
  readonly readiness: Readiness;
  /** The email digest worker; undefined when `email.smtp_url` is empty. */
  readonly digests: DigestWorker | undefined;
  /**
   * Drains the server (not ready from now on, streams end with UNAVAILABLE,
   * unary calls finish within `server.drain_ms`), then waits for queued
   * writes and closes the event bus, the store and the admin port. Calls
   * after the first share its promise.
   */
  close(): Promise<void>;
}

/** Opens the store, wires the services and starts listening, as `config` says. */
export async function startService(
  config: Config,
  options: ServiceOptions = {},
): Promise<RunningService> {
  const logger = options.logger ?? createLogger(config.log.level);
  const metrics = createMetrics();
  const ignored = createIgnoredErrorReporter(metrics.registry, logger);
  // What is open so far, closed in reverse order if a later step fails.
  const opened: (() => Promise<void>)[] = [];
  try {
    // Authentication and CORS first, so that unusable keys stop start-up
    // before storage is opened.
    const auth = await createServerAuth(
      { auth: config.auth, cors: config.server.cors },
      { logger, registry: metrics.registry, ...(options.now && { now: options.now }) },
    );
    // Likewise the email settings: the unsubscribe key and the digest templates.
    const unsubscribeTokens = unsubscribeTokensOf(config);
    const templates =
      config.email.smtp_url === ""
        ? undefined
        : await loadDigestTemplates(config.email.template_dir);

    // Storage, metered and probed for readiness and health.
    const store = new MeteredStore(await openStore(config, logger, metrics, options), metrics);
    opened.push(() => store.close());
    const probe = new StoreProbe(store, storeProbeOptions(config));
    probe.onChange((reachable) => {
      if (reachable) logger.info("storage is reachable again");
      else logger.error({ error: probe.error }, "storage is unreachable");
    });
    registerStorageReachable(metrics.registry, probe);
    probe.start();
    opened.push(async () => probe.stop());
    const readiness = new Readiness(probe);

    // The event bus for live streams.
    const events = await openEventBus(config, logger, ignored);
    opened.push(() => events.close());

    // The services.
    const jobMetrics = createJobMetrics(metrics.registry);
    const app = createApp(store, {
      ...appOptions(config),
      unsubscribeTokens,
      events,
      now: options.now ?? Date.now,
      observeSiblings: (bucket, siblings) => metrics.siblings.observe({ bucket }, siblings),
      onRepairFailed: (bucket, error) => ignored("read_repair", error, { bucket }),
      onCleanupFailed: (bucket, error) => ignored("segment_cleanup", error, { bucket }),
      onSegmentMissing: (username, key) =>
        ignored("segment_missing", new Error(`segment ${key} of ${username} is not stored`)),
      onReadBackFailed: (error) => ignored("delete_all_read_back", error),
      onJobError: (error, context) =>
        ignored("job", error, context.job ? { job: context.job } : {}),
      onJobBatch: jobMetrics.batch,
    });
    jobMetrics.watch(app.jobs);
    opened.push(() => app.idle());
    registerEventBusMetrics(metrics.registry, app.streams);
    // Jobs whose holder died are taken over from here too; on close, the jobs
    // running here stop after their batch and give their leases up.
    app.jobs.start();
    opened.push(() => app.jobs.close());

    // Email digests, when an SMTP server is configured.
    const digests =
      templates && unsubscribeTokens
        ? createDigestWorker(app, {
            ...digestOptions(config),
            templates,
            tokens: unsubscribeTokens,
            sender: createSmtpSender(config.email.smtp_url),
            metrics: registerDigestMetrics(metrics.registry),
            logger,
          })
        : undefined;
    if (options.scanDigests ?? true) digests?.start();
    opened.push(async () => digests?.stop());
    // The web inbox's files, served beside the API.
    const web = config.web.enabled ? await openWebInbox(config, logger) : undefined;

    // The API server: every protocol and REST on one port, each call observed
    // and authorized.
    const observer = createCallObserver({ logger, metrics, maxStreams: config.server.max_streams });
    const server = await startHttpServer({
      ...httpServerOptions(config),
      port: config.server.port,
      routes: (router) => {
        app.routes(router);
        registerReflection(router);
        registerHealth(router, readiness);
        auth.assertCovers(router.handlers.map((h) => `${h.service.typeName}/${h.method.name}`));
      },
      fallback: (router) => {
        const rest = createRestTranscoder(router.handlers, {
          readMaxBytes: config.server.request_max_bytes,
          onRefused: observer.refused,
        });
        return web ? web.handler(rest) : rest;
      },
      requestGate: observer.requestGate,
      onRefused: observer.refused,
      interceptors: [observer.interceptor, errorMapping, auth.interceptor],
      beforeRouting: auth.cors.handle,
      onTooManyResets: (remoteAddress, resets) =>
        logger.warn(
          { remoteAddress, resets },
          "HTTP/2 connection closed with ENHANCE_YOUR_CALM: it reset too many streams",
        ),
    });
    opened.push(() => server.close());

    // The admin port.
    const admin: AdminServer = await startAdminServer({
      port: config.server.admin_port,
      host: config.server.host,
      readiness,
      registry: metrics.registry,
      packageInfo: await readPackageInfo(),
    });
    opened.push(() => admin.close());

    // Ingestion last, so that nothing is consumed by a service that fails to start.
    const ingest = startIngest(config, app, { logger, metrics, now: options.now ?? Date.now });
    if (ingest) opened.push(() => ingest.stop(0));

    const storeText = storeLabel(config);
    const eventBus = config.redis.url === "" ? "in-process" : "redis";
    const email = digests ? "digests sent by SMTP" : "digests off (email.smtp_url is empty)";
    logger.info(
      { port: server.port, adminPort: admin.port, store: storeText, eventBus, digests: !!digests },
      `notification service listening on port ${server.port} (admin port ${admin.port}); ` +
        `store: ${storeText}; event bus: ${eventBus}; email: ${email}`,
    );
    if (web?.built) {
      const url = `http://localhost:${server.port}${webInboxPath}`;
      logger.info({ url }, `web inbox: open ${url} in a browser`);
    }

    let closing: Promise<void> | undefined;
    return {
      port: server.port,
      adminPort: admin.port,
      app,
      store,
      events,
      ingest,
      metrics,
      readiness,
      digests,
      close() {
        closing ??= (async () => {
          probe.stop();
          readiness.drain();
          // One turn of the event loop, so that open Watch streams send
          // NOT_SERVING before the server ends them.
          await new Promise((resolve) => setImmediate(resolve));
          // Digests being handed to the SMTP server finish: one cut off
          // mid-send would be taken as sent without knowing it was.
          await digests?.stop();
          // Ingestion drains beside the API: it stops reading at once, finishes
          // what it holds within the same time and releases the rest.
          await Promise.all([server.close(), ingest?.stop(config.server.drain_ms)]);
          await app.jobs.close();
          await app.idle();
          await events.close();
          await store.close();
          await admin.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    for (const close of opened.reverse()) await close().catch(() => {});
    throw error;
  }
}

/** Options of the services: the event bus, the clock, and `config`'s settings. */
export interface AppOptions {
  /** Where stored changes are published for live streams; not closed by the app. */
  readonly events: EventBus;
  /** The clock, in ms since the Unix epoch. */
  readonly now: () => number;
  /** Notifications kept per user. */
  readonly retention: number;
  /** Unsealed notifications a user's head holds at most. */
  readonly headLimit: number;
  /** Stored bytes of segments kept decoded in memory. */
  readonly segmentCacheBytes: number;
  /** Keys per hour of the digest schedule index. */
  readonly scheduleShards: number;
  /** How old a user's cached preferences may be, and how many users are cached. */
  readonly preferenceCache: { readonly ttlMs: number; readonly maxUsers: number };
  /** Categories no user can mute. */
  readonly criticalCategories: ReadonlySet<string>;
  /** Checks unsubscribe links; undefined when `email.unsubscribe_secret` is empty. */
  readonly unsubscribeTokens: UnsubscribeTokens | undefined;
  /** How old cached rules may be, in ms. */
  readonly ruleRefreshMs: number;
  /** Heartbeat interval and per-subscriber queue of live streams. */
  readonly streams: StreamOptions;
  /** Fan-out, topics, idempotency and jobs. */
  readonly producers: ProducerOptions;
  /** Told the sibling count of every storage read. Default: nobody. */
  readonly observeSiblings?: SiblingObserver;
  /** Told when a read repair fails (the reader is not). Default: nobody. */
  readonly onRepairFailed?: RepairFailureListener;
  /** Told when deleting segments no head references fails. Default: nobody. */
  readonly onCleanupFailed?: AfterWriteFailureListener;
  /** Told when a head references a segment storage does not hold. Default: nobody. */
  readonly onSegmentMissing?: MissingSegmentListener;
  /** See {@link ServiceDependencies.onReadBackFailed}. Default: nobody. */
  readonly onReadBackFailed?: (error: unknown) => void;
  /** Told when a job's batch or the poll for jobs fails (it is retried). Default: nobody. */
  readonly onJobError?: JobRunnerOptions["onError"];
  /** Told of each job batch's recipients done and failed. Default: nobody. */
  readonly onJobBatch?: JobRunnerOptions["onBatch"];
}

/** `config.producers`, as the services and the job runner take it. */
export interface ProducerOptions
  extends ProducerSettings,
    Pick<RepositoryOptions, "shardCapacity">,
    Pick<JobRunnerOptions, "leaseMs" | "pollMs" | "batchSize" | "jobsAtOnce" | "doneMarkMs"> {}

/** The services over one store, ready to mount on a Connect router. */
export interface App {
  readonly deps: ServiceDependencies;
  /** The live streams' feeds over the bus: one per user with streams here. */
  readonly streams: CountedFeeds;
  /** Carries out durable jobs; `start()` makes it take over jobs whose holder died. */
  readonly jobs: JobRunner;
  /**
   * Registers NotificationService, RuleService, StreamService, PreferenceService,
   * TopicService and JobService.
   */
  routes(router: ConnectRouter): void;
  /** Resolves when no write is queued or running. */
  idle(): Promise<void>;
}

/** Wires the repositories and the services over a store (which the caller owns and closes). */
export function createApp(store: KeyValueStore, options: AppOptions): App {
  const { now, events, producers } = options;
  const newId = createIdGenerator(now);
  const repositories = createRepositories(store, {
    retention: options.retention,
    headLimit: options.headLimit,
    segmentCacheBytes: options.segmentCacheBytes,
    newId,
    scheduleShards: options.scheduleShards,
    idempotencyWindowMs: producers.idempotencyWindowMs,
    shardCapacity: producers.shardCapacity,
    concurrency: producers.concurrency,
    ...(options.observeSiblings && { observeSiblings: options.observeSiblings }),
    ...(options.onRepairFailed && { onRepairFailed: options.onRepairFailed }),
    ...(options.onCleanupFailed && { onCleanupFailed: options.onCleanupFailed }),
    ...(options.onSegmentMissing && { onSegmentMissing: options.onSegmentMissing }),
  });
  const deps: ServiceDependencies = {
    repositories,
    rules: new RuleCache(repositories.rules, options.ruleRefreshMs, now),
    preferences: new PreferenceCache(repositories.preferences, {
      ...options.preferenceCache,
      now,
    }),
    criticalCategories: options.criticalCategories,
    unsubscribeTokens: options.unsubscribeTokens,
    newId,
    now,
    events,
    producers: {
      idempotencyWindowMs: producers.idempotencyWindowMs,
      concurrency: producers.concurrency,
      topicMaxSubscribers: producers.topicMaxSubscribers,
      inlineJobMax: producers.inlineJobMax,
    },
    onReadBackFailed: options.onReadBackFailed ?? (() => {}),
  };
  const jobs = new JobRunner(
    repositories.jobs,
    {
      publish_to_topic: publishJobHandler(deps),
      update_by_key: updateByKeyHandler(deps),
      delete_by_key: deleteByKeyHandler(deps),
      read_by_key: readByKeyHandler(deps),
    },
    {
      // Unique per process: a restarted instance must not think it holds its predecessor's leases.
      holder: `instance-${newId()}`,
      leaseMs: producers.leaseMs,
      pollMs: producers.pollMs,
      batchSize: producers.batchSize,
      jobsAtOnce: producers.jobsAtOnce,
      doneMarkMs: producers.doneMarkMs,
      now,
      newId,
      onError: options.onJobError ?? (() => {}),
      ...(options.onJobBatch && { onBatch: options.onJobBatch }),
    },
  );
  const streams = createCountedFeeds(deps, options.streams);
  return {
    deps,
    streams,
    jobs,
    routes(router) {
      router.service(NotificationService, createNotificationService(deps, jobs));
      router.service(RuleService, createRuleService(deps));
      router.service(StreamService, createStreamService(deps, streams, options.streams));
      router.service(PreferenceService, createPreferenceService(deps));
      router.service(TopicService, createTopicService(deps, jobs));
      router.service(JobService, createJobService(deps));
    },
    idle: () => repositories.idle(),
  };
}

/** `config`'s settings of the services. */
export function appOptions(
  config: Config,
): Pick<
  AppOptions,
  | "retention"
  | "headLimit"
  | "segmentCacheBytes"
  | "ruleRefreshMs"
  | "streams"
  | "scheduleShards"
  | "preferenceCache"
  | "criticalCategories"
  | "producers"
> {
  const { producers } = config;
  return {
    retention: config.storage.retention,
    headLimit: config.storage.head_limit,
    segmentCacheBytes: config.storage.segment_cache_bytes,
    ruleRefreshMs: config.rules.refresh_ms,
    streams: {
      heartbeatMs: config.streams.heartbeat_ms,
      queueSize: config.streams.queue_size,
      retention: config.storage.retention,
    },
    scheduleShards: config.digest.schedule_shards,
    preferenceCache: {
      ttlMs: config.preferences.cache_ms,
      maxUsers: config.preferences.cache_size,
    },
    criticalCategories: new Set(config.preferences.critical_categories),
    producers: {
      idempotencyWindowMs: producers.idempotency_window,
      topicMaxSubscribers: producers.topic_max_subscribers,
      shardCapacity: producers.shard_capacity,
      concurrency: producers.concurrency,
      inlineJobMax: producers.inline_job_max,
      batchSize: producers.job_batch_size,
      leaseMs: producers.job_lease_ms,
      pollMs: producers.job_poll_ms,
      jobsAtOnce: producers.jobs_at_once,
      // Long enough that no sibling that stale is still around to undo it.
      doneMarkMs: producers.idempotency_window,
    },
  };
}

/** `config`'s settings of the repositories, but the id generator and observers. */
export function repositoryOptions(
  config: Config,
): Omit<
  RepositoryOptions,
  "newId" | "observeSiblings" | "onRepairFailed" | "onCleanupFailed" | "onSegmentMissing"
> {
  return {
    retention: config.storage.retention,
    headLimit: config.storage.head_limit,
    segmentCacheBytes: config.storage.segment_cache_bytes,
    scheduleShards: config.digest.schedule_shards,
    idempotencyWindowMs: config.producers.idempotency_window,
    shardCapacity: config.producers.shard_capacity,
    concurrency: config.producers.concurrency,
  };
}

/** What the digest worker needs beyond the app. */
export interface DigestWorkerSetup {
  readonly delivery: DigestDeliveryOptions;
  /** How often the schedule is scanned, in ms. */
  readonly pollMs: number;
  /** Digests sent at once. */
  readonly concurrency: number;
  readonly templates: DigestTemplates;
  readonly tokens: UnsubscribeTokens;
  readonly sender: MailSender;
  readonly metrics: DigestMetrics;
  readonly logger: Logger;
  /** This instance's name in digest leases. Default: a random UUID. */
  readonly holder?: string;
}

/** The digest worker over an app's repositories, ids and clock (not started). */
export function createDigestWorker(app: App, setup: DigestWorkerSetup): DigestWorker {
  const { repositories, newId, now } = app.deps;
  const deliver = createDigestDelivery(
    {
      repositories,
      newId,
      now,
      holder: setup.holder ?? randomUUID(),
      sender: setup.sender,
      templates: setup.templates,
      tokens: setup.tokens,
      metrics: setup.metrics,
      logger: setup.logger,
    },
    setup.delivery,
  );
  return new DigestWorker({
    schedule: repositories.schedule,
    deliver,
    pollMs: setup.pollMs,
    concurrency: setup.concurrency,
    now,
    metrics: setup.metrics,
    logger: setup.logger,
  });
}

/** `config`'s settings of the digest worker. */
export function digestOptions(
  config: Config,
): Pick<DigestWorkerSetup, "delivery" | "pollMs" | "concurrency"> {
  const { digest, email } = config;
  return {
    delivery: {
      from: email.from,
      linkBaseUrl: email.link_base_url,
      leaseMs: digest.lease_ms,
      retryMinMs: digest.retry_min_ms,
      retryMaxMs: digest.retry_max_ms,
      maxAttempts: digest.max_attempts,
      maxItems: digest.max_items,
      criticalCategories: new Set(config.preferences.critical_categories),
    },
    pollMs: digest.poll_ms,
    concurrency: digest.concurrency,
  };
}

/**
 * The unsubscribe links' signer, when `email.unsubscribe_secret` is set; a
 * ConfigError when it is too short, or missing while digests are on.
 */
function unsubscribeTokensOf(config: Config): UnsubscribeTokens | undefined {
  const { smtp_url, unsubscribe_secret } = config.email;
  if (unsubscribe_secret !== "") return createUnsubscribeTokens(unsubscribe_secret);
  if (smtp_url === "") return undefined;
  throw new ConfigError([
    "email.unsubscribe_secret is required when email.smtp_url is set (digests carry signed unsubscribe links); generate one with: openssl rand -base64 48",
  ]);
}

/** `config`'s settings of the Riak store. */
export function riakOptions(config: Config): RiakOptions {
  const { riak } = config;
  return {
    nodes: riak.nodes,
    bucketType: riak.bucket_type,
    r: riak.r,
    pr: riak.pr,
    w: riak.w,
    pw: riak.pw,
    dw: riak.dw,
    timeoutMs: riak.timeout_ms,
    attempts: riak.attempts,
  };
}

/** `config`'s settings of the storage probe behind readiness and health. */
export function storeProbeOptions(config: Config): StoreProbeOptions {
  return {
    intervalMs: config.storage.ping_interval_ms,
    timeoutMs: config.storage.ping_timeout_ms,
  };
}

/** `config`'s settings of the API server, but its port, routes and observers. */
export function httpServerOptions(
  config: Config,
): Pick<
  HttpServerOptions,
  | "host"
  | "readMaxBytes"
  | "maxTimeoutMs"
  | "maxStreamsPerConnection"
  | "drainMs"
  | "headersTimeoutMs"
  | "bodyTimeoutMs"
  | "idleTimeoutMs"
  | "defaultDeadlineMs"
  | "maxStreamResets"
  | "streamResetWindowMs"
> {
  const { server } = config;
  return {
    host: server.host,
    readMaxBytes: server.request_max_bytes,
    maxTimeoutMs: server.max_deadline_ms,
    maxStreamsPerConnection: server.max_streams_per_connection,
    drainMs: server.drain_ms,
    headersTimeoutMs: server.headers_timeout_ms,
    bodyTimeoutMs: server.body_timeout_ms,
    idleTimeoutMs: server.idle_timeout_ms,
    defaultDeadlineMs: server.default_deadline_ms,
    maxStreamResets: server.max_stream_resets,
    streamResetWindowMs: server.stream_reset_window_ms,
  };
}

/** `config`'s settings of the Redis event bus. */
export function redisOptions(config: Config): RedisEventBusOptions {
  return { url: config.redis.url, commandTimeoutMs: config.redis.command_timeout_ms };
}

/** `config`'s settings of the ingestion consumer. */
export function ingestOptions(
  config: Config,
): Pick<
  IngestConsumerOptions,
  "batchSize" | "maxInFlight" | "claimIdleMs" | "retryMaxMs" | "maxAttempts"
> {
  const { ingest } = config;
  return {
    batchSize: ingest.batch_size,
    maxInFlight: ingest.max_in_flight,
    claimIdleMs: ingest.claim_idle_ms,
    retryMaxMs: ingest.retry_max_ms,
    maxAttempts: ingest.max_attempts,
  };
}

/** `config`'s settings of the Redis stream that ingestion reads. */
export function redisStreamOptions(config: Config): RedisStreamSourceOptions {
  return {
    url: config.redis.url,
    stream: config.ingest.redis_stream,
    group: config.ingest.group,
    // The instance's name: unique per process unless the operator names it.
    consumer: config.ingest.consumer || `${hostname()}-${process.pid}`,
    commandTimeoutMs: config.redis.command_timeout_ms,
  };
}

// The consumer of ingest.redis_stream, started, into the services' own create
// path; undefined when no stream is configured.
function startIngest(
  config: Config,
  app: App,
  context: { logger: Logger; metrics: Metrics; now: () => number },
): IngestConsumer | undefined {
  if (config.ingest.redis_stream === "") return undefined;
  const source = new RedisStreamSource(redisStreamOptions(config));
  const sink = createServiceSink(app.deps);
  let consumer: IngestConsumer | undefined;
  const metrics = createIngestMetrics(context.metrics.registry, {
    inFlight: () => consumer?.inFlight ?? 0,
    stats: () => source.stats(),
  });
  consumer = new IngestConsumer(source, sink, {
    ...ingestOptions(config),
    logger: context.logger,
    metrics,
    now: context.now,
  });
  consumer.start();
  return consumer;
}

// Riak when nodes are listed (its breaker changes logged and its nodes
// metered), else the embedded store.
async function openStore(
  config: Config,
  logger: Logger,
  metrics: Metrics,
  options: ServiceOptions,
): Promise<KeyValueStore> {
  if (config.riak.nodes.length === 0) return EmbeddedStore.open(config.storage.data_dir);
  const store = await createRiakStore({
    ...riakOptions(config),
    ...(options.riak?.cluster && { cluster: options.riak.cluster }),
    onBreakerStateChange(node, state) {
      logger.warn({ node, breaker: state }, `Riak node ${node}: circuit breaker ${state}`);
      options.riak?.onBreakerStateChange?.(node, state);
    },
  });
  registerRiakMetrics(metrics.registry, store);
  return store;
}

// Redis when a URL is configured (a warning, not a failure, when it does not
// answer yet: the bus reconnects by itself), else in process.
async function openEventBus(
  config: Config,
  logger: Logger,
  ignored: IgnoredErrorReporter,
): Promise<EventBus> {
  if (config.redis.url === "") return new LocalEventBus();
  const bus = new RedisEventBus({
    ...redisOptions(config),
    logger,
    onUnsubscribeFailed: (error) => ignored("redis_unsubscribe", error),
  });
  try {
    await bus.ping();
  } catch (error) {
    logger.warn(
      { err: error },
      "Redis (redis.url) is configured but unreachable: live streams are refused until it answers",
    );
  }
  return bus;
}

// The web inbox's build output, beside this file's folder in the source tree
// (src/) and in the build (dist/) alike. Missing output is a warning, not a
// failure: the API works without it.
async function openWebInbox(config: Config, logger: Logger): Promise<WebInbox> {
  const dir = fileURLToPath(new URL("../clients/web/dist/", import.meta.url));
  const web = await loadWebInbox({ dir, authMode: config.auth.mode });
  if (!web.built) {
    logger.warn(
      { dir },
      `the web inbox is not built, so ${webInboxPath} answers 503: run npm run build (or set web.enabled false)`,
    );
  }
  return web;
}

function storeLabel(config: Config): string {
  const { nodes } = config.riak;
  if (nodes.length === 0) return `embedded at ${config.storage.data_dir}`;
  return `riak with ${nodes.length} node${nodes.length === 1 ? "" : "s"}`;
}
