import { Code, ConnectError } from "@connectrpc/connect";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import type { EventBus, EventBusStats, EventListener, Unsubscribe } from "./event-bus.js";
import { decodeEvent, encodeEvent } from "./event-codec.js";
import type { InboxEvent } from "./inbox-event.js";
import { ListenerRegistry } from "./listener-registry.js";

/** Options of the Redis bus. */
export interface RedisEventBusOptions {
  /** `redis://[user:password@]host:port[/db]`. */
  readonly url: string;
  /** Bounds one PUBLISH or SUBSCRIBE, and the wait for a connection, in ms. */
  readonly commandTimeoutMs: number;
  /**
   * How often the subscriber connection is pinged, in ms. Default 5000. A ping
   * unanswered within the command timeout (a hung server or network) drops
   * the connection, which ends local streams as a closed connection does.
   */
  readonly healthCheckMs?: number;
  /** Channel names are this prefix and the username. Default `notification.v1.inbox:`. */
  readonly channelPrefix?: string;
  readonly logger?: Logger;
  /**
   * Told when an UNSUBSCRIBE fails (the last stream of a user ended while
   * Redis did not answer). Nobody waits for it: the channel's messages then
   * reach no listener until the connection is replaced. Default: nobody.
   */
  readonly onUnsubscribeFailed?: (error: unknown) => void;
}

/**
 * Fan-out across instances over Redis pub/sub: each user has a channel; an
 * instance publishes every change it stored there and SUBSCRIBEs once per
 * user that has local listeners (reference counted, UNSUBSCRIBE with the
 * last). Pub/sub keeps no backlog, so a lost connection ends every local
 * listener with UNAVAILABLE: its client resumes from storage with `after`
 * instead of silently missing what was published meanwhile. Commands are
 * never queued while disconnected, so a Redis outage fails fast and never
 * holds up the creates that publish.
 */
export class RedisEventBus implements EventBus {
  private readonly registry = new ListenerRegistry();
  /** Per user with local listeners: the SUBSCRIBE, in flight or done. */
  private readonly joined = new Map<string, Promise<void>>();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly timeoutMs: number;
  private readonly prefix: string;
  private readonly logger: Logger | undefined;
  private readonly onUnsubscribeFailed: (error: unknown) => void;
  private readonly healthCheck: NodeJS.Timeout;
  private readyWait: Promise<void> | undefined;
  private pinging = false;
  private closed = false;

  constructor(options: RedisEventBusOptions) {
    this.timeoutMs = options.commandTimeoutMs;
    this.prefix = options.channelPrefix ?? "notification.v1.inbox:";
    this.logger = options.logger;
    this.onUnsubscribeFailed = options.onUnsubscribeFailed ?? (() => {});
    const clientOptions = {
      commandTimeout: this.timeoutMs,
      connectTimeout: this.timeoutMs,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // After a reconnect nothing is resent or resubscribed behind our back:
      // listeners were told of the loss and subscribe again themselves.
      autoResendUnfulfilledCommands: false,
      autoResubscribe: false,
      retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
    };
    this.publisher = new Redis(options.url, clientOptions);
    this.subscriber = new Redis(options.url, clientOptions);
    for (const client of [this.publisher, this.subscriber]) {
      // Without a listener ioredis prints every failed reconnect attempt.
      client.on("error", (error: Error) => this.logger?.debug({ err: error }, "redis error"));
    }
    this.subscriber.on("message", (channel: string, message: string) =>
      this.deliver(channel, message),
    );
    this.subscriber.on("close", () => this.subscriberClosed());
    this.healthCheck = setInterval(() => this.checkSubscriber(), options.healthCheckMs ?? 5000);
    this.healthCheck.unref();
  }

  async publish(username: string, event: InboxEvent): Promise<void> {
    try {
      await this.publisher.publish(this.prefix + username, encodeEvent(event));
    } catch (error) {
      this.logger?.warn({ err: error, username }, "could not publish an inbox event to Redis");
      // This instance's own subscribers of the user would miss it too: end
      // their streams so that they catch up from storage.
      this.dropChannel(
        username,
        new ConnectError(
          "an inbox event could not be published to Redis; resubscribe with after to catch up",
          Code.Unavailable,
        ),
      );
    }
  }

  async broadcast(usernames: readonly string[], event: InboxEvent): Promise<number> {
    const message = encodeEvent(event);
    // Sent without waiting for each answer: ioredis pipelines them on the connection.
    const answers = await Promise.all(
      usernames.map((username) =>
        this.publisher.publish(this.prefix + username, message).catch((error: unknown) => {
          this.logger?.debug({ err: error, username }, "could not publish a broadcast to Redis");
          return 0;
        }),
      ),
    );
    return answers.reduce((sum, n) => sum + n, 0);
  }

  async subscribe(username: string, listener: EventListener): Promise<Unsubscribe> {
    if (this.closed) throw new ConnectError("the event bus is closed", Code.Unavailable);
    if (this.registry.add(username, listener)) this.joined.set(username, this.join(username));
    try {
      await this.joined.get(username);
    } catch (error) {
      this.leave(username, listener);
      // Redis's own words can name its host and port: they go to the log as the cause.
      throw new ConnectError(
        "live events are unavailable: Redis did not accept the subscription; retry later",
        Code.Unavailable,
        undefined,
        undefined,
        error,
      );
    }
    return () => this.leave(username, listener);
  }

  stats(): EventBusStats {
    return this.registry.stats();
  }

  /**
   * Resolves once Redis answers a PING, waiting at most the command timeout
   * for the connection; rejects saying why not. The bus keeps reconnecting
   * either way: this only tells whether Redis is reachable now.
   */
  async ping(): Promise<void> {
    if (this.publisher.status !== "ready") await whenReady(this.publisher, this.timeoutMs);
    await this.publisher.ping();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.healthCheck);
    this.registry.loseAll(new ConnectError("the event bus is closed", Code.Unavailable));
    this.joined.clear();
    await Promise.all([this.publisher, this.subscriber].map(disconnect));
  }

  private async join(username: string): Promise<void> {
    await this.subscriberReady();
    await this.subscriber.subscribe(this.prefix + username);
  }

  private leave(username: string, listener: EventListener): void {
    if (!this.registry.remove(username, listener)) return;
    this.joined.delete(username);
    this.unsubscribe(username);
  }

  private dropChannel(username: string, error: ConnectError): void {
    if (!this.registry.has(username)) return;
    this.registry.lose(username, error);
    this.joined.delete(username);
    this.unsubscribe(username);
  }

  private unsubscribe(username: string): void {
    // Without a connection there is no subscription left to end.
    if (this.subscriber.status !== "ready") return;
    this.subscriber
      .unsubscribe(this.prefix + username)
      .catch((error: unknown) => this.onUnsubscribeFailed(error));
  }

  private deliver(channel: string, message: string): void {
    if (!channel.startsWith(this.prefix)) return;
    const username = channel.slice(this.prefix.length);
    try {
      this.registry.dispatch(username, decodeEvent(message));
    } catch (error) {
      this.logger?.warn({ err: error, channel }, "an inbox event from Redis could not be read");
      this.dropChannel(
        username,
        new ConnectError(
          "an inbox event could not be read; resubscribe with after to catch up",
          Code.Unavailable,
        ),
      );
    }
  }

  private subscriberClosed(): void {
    if (this.closed) return;
    const { listeners } = this.registry.stats();
    if (listeners > 0) {
      this.logger?.warn({ listeners }, "lost the Redis connection: ending live streams");
    }
    this.registry.loseAll(
      new ConnectError(
        "lost the connection to Redis, so live events may have been missed; resubscribe with after to catch up",
        Code.Unavailable,
      ),
    );
    this.joined.clear();
  }

  private checkSubscriber(): void {
    // One ping at a time: a hung server must be dropped once, not once per ping.
    if (this.pinging || this.subscriber.status !== "ready") return;
    this.pinging = true;
    this.subscriber
      .ping()
      .catch((error: unknown) => {
        if (this.closed) return;
        this.logger?.warn({ err: error }, "Redis did not answer a ping: reconnecting");
        // A silent connection may be losing events: cut it (ending local
        // streams, see subscriberClosed) and let ioredis connect again. A
        // polite close would wait for the silent server to answer.
        this.subscriber.stream.destroy();
      })
      .finally(() => {
        this.pinging = false;
      });
  }

  /**
   * Resolves once the subscriber connection is up; rejects after the command
   * timeout. Every user joining meanwhile shares one wait (one listener).
   */
  private subscriberReady(): Promise<void> {
    if (this.subscriber.status === "ready") return Promise.resolve();
    this.readyWait ??= whenReady(this.subscriber, this.timeoutMs).finally(() => {
      this.readyWait = undefined;
    });
    return this.readyWait;
  }
}

/** Resolves on the client's next "ready"; rejects after `timeoutMs`. */
function whenReady(client: Redis, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off("ready", ready);
      reject(new Error(`not connected within ${timeoutMs} ms`));
    }, timeoutMs);
    const ready = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once("ready", ready);
  });
}

async function disconnect(client: Redis): Promise<void> {
  if (client.status === "ready") {
    try {
      await client.quit();
      return;
    } catch {
      // Fall through: cut the connection.
    }
  }
  client.disconnect();
}
