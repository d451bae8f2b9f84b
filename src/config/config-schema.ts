import * as z from "zod";
import {
  count,
  duration,
  emailAddress,
  flag,
  host,
  httpUrl,
  integer,
  logLevel,
  milliseconds,
  name,
  optionalName,
  origins,
  port,
  quorum,
  redisUrl,
  riakNodes,
  smtpUrl,
  text,
  textList,
} from "./config-values.js";

/**
 * The configuration schema: every key of `config.yml`, what text it accepts,
 * what it becomes and its default (the one place defaults are written; what
 * each key means is documented once, in `config.yml`). Keys keep their YAML
 * names, so a key reads the same in the file, in errors and in code.
 */
export const configSchema = z
  .strictObject({
    server: z
      .strictObject({
        port: port.default(8080),
        admin_port: port.default(8081),
        host: host.default("0.0.0.0"),
        request_max_bytes: count.default(65_536),
        max_deadline_ms: milliseconds.default(60_000),
        drain_ms: milliseconds.default(5000),
        headers_timeout_ms: milliseconds.default(30_000),
        body_timeout_ms: milliseconds.default(30_000),
        idle_timeout_ms: milliseconds.default(30_000),
        default_deadline_ms: milliseconds.default(30_000),
        max_stream_resets: count.default(500),
        stream_reset_window_ms: milliseconds.default(10_000),
        max_streams_per_connection: count.default(100),
        max_streams: count.default(10_000),
        cors: z
          .strictObject({
            allowed_origins: origins.default([]),
          })
          .readonly()
          .prefault({}),
      })
      .readonly()
      .prefault({}),
    storage: z
      .strictObject({
        data_dir: text.default("./data"),
        retention: count.default(1000),
        head_limit: integer(2, 10_000, "a number of notifications").default(40),
        segment_cache_bytes: count.default(33_554_432),
        ping_interval_ms: milliseconds.default(5000),
        ping_timeout_ms: milliseconds.default(1000),
      })
      .readonly()
      .prefault({}),
    rules: z
      .strictObject({
        refresh_ms: milliseconds.default(10_000),
      })
      .readonly()
      .prefault({}),
    riak: z
      .strictObject({
        nodes: riakNodes.default([]),
        bucket_type: name.default("notifications"),
        r: quorum.default("quorum"),
        pr: quorum.default("default"),
        w: quorum.default("quorum"),
        pw: quorum.default("default"),
        dw: quorum.default("quorum"),
        timeout_ms: milliseconds.default(5000),
        attempts: count.default(3),
      })
      .readonly()
      .prefault({}),
    streams: z
      .strictObject({
        heartbeat_ms: milliseconds.default(15_000),
        queue_size: count.default(1000),
      })
      .readonly()
      .prefault({}),
    redis: z
      .strictObject({
        url: redisUrl.default(""),
        command_timeout_ms: milliseconds.default(1000),
      })
      .readonly()
      .prefault({}),
    producers: z
      .strictObject({
        idempotency_window: duration.default(86_400_000),
        topic_max_subscribers: count.default(100_000),
        shard_capacity: count.default(1000),
        concurrency: count.default(32),
        job_batch_size: count.default(200),
        job_lease_ms: milliseconds.default(30_000),
        job_poll_ms: milliseconds.default(1000),
        jobs_at_once: count.default(4),
        inline_job_max: integer(0, 100_000, "a number of users").default(100),
      })
      .readonly()
      .prefault({}),
    ingest: z
      .strictObject({
        redis_stream: optionalName.default(""),
        group: name.default("notification-service"),
        consumer: optionalName.default(""),
        claim_idle_ms: milliseconds.default(30_000),
        batch_size: count.default(100),
        max_in_flight: count.default(64),
        retry_max_ms: milliseconds.default(5000),
        max_attempts: count.default(5),
      })
      .readonly()
      .prefault({}),
    log: z
      .strictObject({
        level: logLevel.default("info"),
      })
      .readonly()
      .prefault({}),
    auth: z
      .strictObject({
        mode: z
          .enum(["none", "jwt"], {
            error: (issue) => `must be none or jwt (got ${JSON.stringify(String(issue.input))})`,
          })
          .default("none"),
        cookie: z
          .string()
          .regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, { error: "must be a cookie name (a token)" })
          .default(""),
        jwt: z
          .strictObject({
            // Secrets, paths and URLs are never quoted in a message.
            secret: z.string().default(""),
            public_key_file: z.string().default(""),
            jwks_file: z.string().default(""),
            jwks_url: z
              .string()
              .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), {
                error: "must be empty or an http:// or https:// URL",
              })
              .default(""),
            jwks_refresh_ms: milliseconds.default(30_000),
            algorithms: textList.default([]),
            issuer: z.string().default(""),
            audience: z.string().default(""),
            leeway_s: integer(0, 86_400, "a number of seconds").default(30),
            user_claim: name.default("sub"),
            scope_claim: name.default("scope"),
          })
          .readonly()
          .prefault({}),
      })
      .readonly()
      .prefault({}),
    email: z
      .strictObject({
        // URLs and secrets are never quoted in a message: they may carry passwords.
        smtp_url: smtpUrl.default(""),
        from: emailAddress.default("Notifications <notifications@localhost>"),
        link_base_url: httpUrl.default("http://localhost:8080"),
        unsubscribe_secret: z.string().default(""),
        template_dir: z.string().default(""),
      })
      .readonly()
      .prefault({}),
    preferences: z
      .strictObject({
        critical_categories: textList.default([]),
        cache_ms: milliseconds.default(10_000),
        cache_size: count.default(10_000),
      })
      .readonly()
      .prefault({}),
    digest: z
      .strictObject({
        poll_ms: milliseconds.default(30_000),
        // At least two minutes: longer than any SMTP conversation may take.
        lease_ms: integer(120_000, 2_147_483_647, "a time in ms").default(300_000),
        retry_min_ms: milliseconds.default(60_000),
        retry_max_ms: milliseconds.default(3_600_000),
        max_attempts: count.default(8),
        max_items: count.default(50),
        concurrency: count.default(4),
        schedule_shards: integer(1, 4096, "a number of keys").default(16),
      })
      .readonly()
      .prefault({}),
    web: z
      .strictObject({
        enabled: flag.default(true),
      })
      .readonly()
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    // Ingestion reads the stream from the Redis that redis.url names.
    if (config.ingest.redis_stream !== "" && config.redis.url === "") {
      ctx.addIssue({
        code: "custom",
        path: ["ingest", "redis_stream"],
        message: "needs redis.url (REDIS_URL): the stream is read from that Redis",
      });
    }
  })
  .readonly();

/** The service's configuration: `config.yml`'s sections and keys, checked and typed. */
export type Config = z.output<typeof configSchema>;

/** Every key at its default: what an empty `config.yml` gives. */
export const defaultConfig: Config = configSchema.parse({});
