import { type Client, Code, ConnectError } from "@connectrpc/connect";
import type { StreamService, SubscribeResponse } from "../gen/notification/v1/stream_pb.js";
import { isRetryable, retryDelay } from "./retry-policy.js";
import type { TokenSource } from "./token-source.js";

/**
 * Where the feed is: opening its first stream (`connecting`), receiving
 * (`live`), cut off and trying again (`offline`), or stopped by an error that
 * retrying would not cure (`failed`).
 */
export type FeedStatus = "connecting" | "live" | "offline" | "failed";

/** Options of a {@link LiveFeed}. */
export interface LiveFeedOptions {
  readonly streams: Client<typeof StreamService>;
  readonly username: string;
  readonly tokens: TokenSource;
  /** Every event but heartbeats, in order; on every (re)connection a `state` comes first. */
  readonly onEvent: (event: SubscribeResponse) => void;
  /** The status changed; `error` says why it is `offline` or `failed`. */
  readonly onStatus: (status: FeedStatus, error?: ConnectError) => void;
  /**
   * A stream silent this long, in ms, is taken for dead and opened again (the
   * service sends a heartbeat every 15 s by default). Default 45 000.
   */
  readonly silentMs?: number;
}

// The smallest KSUID: resuming after it replays the whole inbox.
const beforeEveryId = "0".repeat(27);

// Why the feed cut its own stream; each reason reconnects at once.
type OwnCut = "token-refresh" | "silent" | "went-offline" | "reconnect-now";

/**
 * One user's live inbox events, kept flowing: when the stream fails it is
 * opened again (backoff, or at once when the browser comes back online) and
 * resumes after the greatest notification id received (or the first state's
 * `newest_id`), so the server replays what was missed; nothing is lost and,
 * with the list's own checks, nothing shown twice. Before the token expires
 * the stream is reopened with a fresh one, and a stream the server ended
 * because its token expired is reopened once with a fresh token.
 */
export class LiveFeed {
  /** The greatest notification id known; the next stream resumes after it. */
  after = "";
  status: FeedStatus = "connecting";
  private stopped = false;
  private cut: AbortController | undefined;
  private wake: (() => void) | undefined;
  private readonly silentMs: number;

  constructor(private readonly options: LiveFeedOptions) {
    this.silentMs = options.silentMs ?? 45_000;
  }

  /** Opens the stream and keeps it open until `stop`. */
  start(): void {
    void this.run();
  }

  /** Ends the stream for good. */
  stop(): void {
    this.stopped = true;
    this.cut?.abort();
    this.wake?.();
  }

  /** The network is back: try now rather than after the backoff. */
  reconnectNow(): void {
    if (this.status === "live") return;
    this.cutOwn("reconnect-now");
    this.wake?.();
  }

  /** The network is gone: show offline now rather than when the stream notices. */
  wentOffline(): void {
    if (this.status === "live") this.cutOwn("went-offline");
  }

  private async run(): Promise<void> {
    let attempt = 0;
    let refreshedAfterRefusal = false;
    while (!this.stopped) {
      const cut = new AbortController();
      this.cut = cut;
      let failure: ConnectError;
      let timers: Timers | undefined;
      try {
        const { streams, username } = this.options;
        const stream = streams.subscribe({ username, after: this.after }, { signal: cut.signal });
        timers = new Timers(cut, this.silentMs);
        let accepted = false;
        for await (const event of stream) {
          timers.heard();
          if (!accepted) {
            // The call took the token it sent: refresh that one before it expires.
            accepted = true;
            timers.refreshIn(this.options.tokens.msUntilRefresh());
          }
          if (this.status !== "live") {
            attempt = 0;
            refreshedAfterRefusal = false;
            this.setStatus("live");
          }
          this.track(event);
          if (event.event.case !== "heartbeat") this.options.onEvent(event);
        }
        failure = new ConnectError("the server ended the stream", Code.Unavailable);
      } catch (error) {
        if (this.stopped) return;
        failure = ConnectError.from(error);
      } finally {
        timers?.clear();
      }
      const own = cut.signal.reason as OwnCut | undefined;
      if (own === "token-refresh" || own === "reconnect-now") continue;
      if (failure.code === Code.Unauthenticated && this.options.tokens.refreshable) {
        // The token expired (or was refused): one fresh token, then give up.
        if (!refreshedAfterRefusal) {
          refreshedAfterRefusal = true;
          try {
            await this.options.tokens.fresh();
            continue;
          } catch (error) {
            failure = ConnectError.from(error, Code.Unauthenticated);
          }
        }
      }
      if (own === undefined && !isRetryable(failure)) {
        this.setStatus("failed", failure);
        return;
      }
      attempt += 1;
      this.setStatus("offline", failure);
      await this.sleep(retryDelay(attempt));
    }
  }

  private track({ event }: SubscribeResponse): void {
    if (event.case === "state") {
      // A resync means the client lists again: that covers up to the newest id.
      if (this.after === "" || event.value.resync) {
        this.after = maxId(this.after, event.value.newestId) || beforeEveryId;
      }
    } else if (event.case === "notification") {
      this.after = maxId(this.after, event.value.id);
    }
  }

  private setStatus(status: FeedStatus, error?: ConnectError): void {
    if (this.stopped) return;
    this.status = status;
    this.options.onStatus(status, error);
  }

  private cutOwn(reason: OwnCut): void {
    this.cut?.abort(reason);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }
}

function maxId(a: string, b: string): string {
  return a > b ? a : b;
}

// A token refresh never reopens the stream sooner than this after it opened,
// so that a provider that keeps giving an expiring token cannot make a loop.
const leastRefreshMs = 2000;

// The timers of one stream: silence (no event, not even a heartbeat, for
// too long) and the token's refresh time each cut it.
class Timers {
  private silence: ReturnType<typeof setTimeout> | undefined;
  private refresh: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly cut: AbortController,
    private readonly silentMs: number,
  ) {
    this.heard();
  }

  refreshIn(ms: number): void {
    if (!Number.isFinite(ms)) return;
    this.refresh = setTimeout(
      () => this.cut.abort("token-refresh" satisfies OwnCut),
      Math.max(ms, leastRefreshMs),
    );
  }

  heard(): void {
    clearTimeout(this.silence);
    this.silence = setTimeout(() => this.cut.abort("silent" satisfies OwnCut), this.silentMs);
  }

  clear(): void {
    clearTimeout(this.silence);
    clearTimeout(this.refresh);
  }
}
