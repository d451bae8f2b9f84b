import CircuitBreaker from "opossum";
import { abortedError, type RiakCallOptions } from "./call-guard.js";
import {
  defaultRiakClientOptions,
  RiakClient,
  type RiakClientOptions,
  type RiakNodeAddress,
} from "./client.js";
import { countsAgainstNode, isRetryable, RiakError } from "./errors.js";
import type { PoolStats } from "./pool.js";

/** A circuit breaker's state: `halfOpen` lets one trial call through. */
export type BreakerState = "closed" | "open" | "halfOpen";

/** Options of {@link RiakCluster}: each node's client and pool, plus these. */
export interface RiakClusterOptions extends RiakClientOptions {
  /** Nodes tried per call, at most (the same node again only when no other is left); `riak.attempts`. */
  readonly attempts: number;
  /** Longest wait for one node before the call moves on to the next. Default 2000 ms. */
  readonly attemptTimeoutMs: number;
  /** How long a node's open breaker refuses calls before it lets a trial call through. Default 10 000 ms. */
  readonly breakerResetTimeoutMs: number;
  /** Failure percentage in the window above which a node's breaker opens. Default 50. */
  readonly breakerErrorThresholdPercentage: number;
  /** Calls to a node in the window before its breaker may open. Default 5. */
  readonly breakerVolumeThreshold: number;
  /** The window over which a breaker counts calls and failures. Default 10 000 ms. */
  readonly breakerWindowMs: number;
}

/**
 * Defaults of {@link RiakClusterOptions} but `attempts`, which the caller
 * gives (it is a configuration key). `requestTimeoutMs` (5000 ms) bounds a
 * whole call, retries included, when the caller gives no `timeoutMs`.
 */
export const defaultRiakClusterOptions: Readonly<Omit<RiakClusterOptions, "attempts">> =
  Object.freeze({
    ...defaultRiakClientOptions,
    attemptTimeoutMs: 2000,
    breakerResetTimeoutMs: 10_000,
    breakerErrorThresholdPercentage: 50,
    breakerVolumeThreshold: 5,
    breakerWindowMs: 10_000,
  });

/** One node as seen by the cluster, for metrics and health. */
export interface RiakNodeState {
  /** `host:port`. */
  readonly address: string;
  readonly breaker: BreakerState;
  /** Calls that reached the node (not refused by its breaker). */
  readonly requests: number;
  /** Of those, the ones that counted against the node (network, timeout, overload, server errors). */
  readonly errors: number;
  readonly pool: PoolStats;
}

/** A call on one node's client, given the time and signal of this attempt. */
export type RiakOperation<T> = (client: RiakClient, call: RiakCallOptions) => Promise<T>;

/** Called when a node's breaker changes state. */
export type BreakerListener = (node: string, state: BreakerState) => void;

interface ClusterNode {
  readonly client: RiakClient;
  readonly breaker: CircuitBreaker<[RiakOperation<unknown>, RiakCallOptions], unknown>;
  requests: number;
  errors: number;
}

/**
 * The configured Riak nodes behind one breaker each. A call goes round-robin
 * to the next node whose breaker is closed (or half-open and free for a
 * trial); on a network error, timeout, overload, missing-replica answer or
 * the answer of a node still starting (riak_kv not up: `Unknown message
 * code: 9` to a get) it moves on to another node, up to `attempts` nodes and
 * within its deadline.
 * Not-found, precondition and bad-request answers end the call at once and
 * do not count against the node. With every node down it fails fast, naming
 * the nodes tried.
 */
export class RiakCluster {
  private readonly options: RiakClusterOptions;
  private readonly nodes: readonly ClusterNode[];
  private next = 0;
  private closed = false;

  constructor(
    addresses: readonly RiakNodeAddress[],
    options: Partial<RiakClusterOptions> & Pick<RiakClusterOptions, "attempts">,
    onBreakerStateChange?: BreakerListener,
  ) {
    if (addresses.length === 0) throw new Error("a Riak cluster needs at least one node");
    this.options = { ...defaultRiakClusterOptions, ...options };
    const { attempts } = this.options;
    if (!Number.isInteger(attempts) || attempts < 1) {
      throw new RangeError(`attempts must be a positive integer, got ${attempts}`);
    }
    this.nodes = addresses.map((address) => this.createNode(address, onBreakerStateChange));
  }

  /** `host:port` of every node, in configuration order. */
  get addresses(): string[] {
    return this.nodes.map((node) => node.client.address);
  }

  /** Each node's breaker, counters and pool, for metrics. */
  nodeStates(): RiakNodeState[] {
    return this.nodes.map(({ client, breaker, requests, errors }) => ({
      address: client.address,
      breaker: stateOf(breaker),
      requests,
      errors,
      pool: client.poolStats(),
    }));
  }

  /**
   * Runs `operation` on a node, retrying on others as described on the
   * class. `timeoutMs` (default `requestTimeoutMs`) bounds the whole call.
   * Rejects with the operation's error when it is not retryable, otherwise
   * with a RiakError of the last failure's kind (`timeout` once the deadline
   * passed, `unavailable` when every breaker is open) whose message names the
   * nodes tried.
   */
  async execute<T>(operation: RiakOperation<T>, options: RiakCallOptions = {}): Promise<T> {
    if (this.closed) throw new RiakError("unavailable", "the Riak cluster client is closed");
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    const tried: ClusterNode[] = [];
    // Nodes whose half-open breaker already let another call's trial through.
    const refused = new Set<ClusterNode>();
    let lastError: RiakError | undefined;
    for (let attempt = 0; attempt < this.options.attempts; ) {
      if (options.signal?.aborted) throw abortedError(undefined, options.signal);
      const remaining = deadline - Date.now();
      const node = this.pick(tried, refused);
      if (remaining <= 0 || node === undefined) break;
      const call = { timeoutMs: Math.min(remaining, this.options.attemptTimeoutMs) };
      try {
        return (await node.breaker.fire(
          operation,
          options.signal === undefined ? call : { ...call, signal: options.signal },
        )) as T;
      } catch (error) {
        if (CircuitBreaker.isOurError(error as Error)) {
          refused.add(node);
          continue;
        }
        if (!isRetryable(error)) throw error;
        attempt += 1;
        lastError = error as RiakError;
        if (!tried.includes(node)) tried.push(node);
      }
    }
    throw this.exhausted(tried, lastError, Date.now() >= deadline ? timeoutMs : undefined);
  }

  /** Stops the breakers and closes every connection; later calls fail. */
  close(): void {
    this.closed = true;
    for (const { breaker, client } of this.nodes) {
      breaker.shutdown();
      client.close();
    }
  }

  // Round-robin over the nodes that take calls, preferring those this call has not tried.
  private pick(tried: readonly ClusterNode[], refused: ReadonlySet<ClusterNode>) {
    let again: ClusterNode | undefined;
    for (let i = 0; i < this.nodes.length; i += 1) {
      const index = (this.next + i) % this.nodes.length;
      const node = this.nodes[index];
      if (node === undefined || refused.has(node)) continue;
      if (!(node.breaker.closed || node.breaker.pendingClose)) continue;
      if (!tried.includes(node)) {
        this.next = (index + 1) % this.nodes.length;
        return node;
      }
      again ??= node;
    }
    return again;
  }

  private exhausted(
    tried: readonly ClusterNode[],
    lastError: RiakError | undefined,
    timedOutAfterMs: number | undefined,
  ): RiakError {
    if (lastError === undefined) {
      if (timedOutAfterMs !== undefined) {
        return new RiakError("timeout", `no Riak node answered within ${timedOutAfterMs} ms`);
      }
      return new RiakError(
        "unavailable",
        `no Riak node available: circuit breaker open for ${this.addresses.join(", ")}`,
      );
    }
    const names = tried.map((node) => node.client.address).join(", ");
    const within = timedOutAfterMs === undefined ? "" : ` within ${timedOutAfterMs} ms`;
    return new RiakError(
      timedOutAfterMs === undefined ? lastError.kind : "timeout",
      `no Riak node answered${within} (tried ${names}): ${lastError.message}`,
      { cause: lastError },
    );
  }

  private createNode(address: RiakNodeAddress, listener: BreakerListener | undefined): ClusterNode {
    const client = new RiakClient(address, this.options);
    const breaker = new CircuitBreaker(
      (operation: RiakOperation<unknown>, call: RiakCallOptions) => operation(client, call),
      {
        name: client.address,
        // Each attempt carries its own time limit; opossum's would not cancel the socket.
        timeout: false,
        resetTimeout: this.options.breakerResetTimeoutMs,
        errorThresholdPercentage: this.options.breakerErrorThresholdPercentage,
        volumeThreshold: this.options.breakerVolumeThreshold,
        rollingCountTimeout: this.options.breakerWindowMs,
        // Filtered errors count as successes: the node answered.
        errorFilter: (error: unknown) => !countsAgainstNode(error),
      },
    );
    const node: ClusterNode = { client, breaker, requests: 0, errors: 0 };
    breaker.on("success", () => {
      node.requests += 1;
    });
    breaker.on("failure", () => {
      node.requests += 1;
      node.errors += 1;
    });
    if (listener !== undefined) {
      breaker.on("open", () => listener(client.address, "open"));
      breaker.on("halfOpen", () => listener(client.address, "halfOpen"));
      breaker.on("close", () => listener(client.address, "closed"));
    }
    return node;
  }
}

function stateOf(breaker: ClusterNode["breaker"]): BreakerState {
  if (breaker.opened) return "open";
  return breaker.halfOpen ? "halfOpen" : "closed";
}
