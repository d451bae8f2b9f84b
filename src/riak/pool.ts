import { abortedError, guardCall, type RiakCallOptions } from "./call-guard.js";
import { type ConnectionTarget, RiakConnection } from "./connection.js";
import { RiakError } from "./errors.js";

/** Sizing and timing of the connections to one node. */
export interface PoolOptions {
  /** Connections kept open when idle. Default 1. */
  readonly minConnections: number;
  /** Connections open at most; further calls wait for one to be released. Default 16. */
  readonly maxConnections: number;
  /** An idle connection beyond `minConnections` is closed after this many ms. Default 30 000. */
  readonly idleTimeoutMs: number;
  /** Longest wait for a TCP connect, within the call's own deadline. Default 1000 ms. */
  readonly connectTimeoutMs: number;
}

/** Defaults of {@link PoolOptions}. */
export const defaultPoolOptions: Readonly<PoolOptions> = Object.freeze({
  minConnections: 1,
  maxConnections: 16,
  idleTimeoutMs: 30_000,
  connectTimeoutMs: 1000,
});

/** A snapshot of a pool, for metrics. */
export interface PoolStats {
  /** Connections open or opening. */
  readonly open: number;
  /** Connections open and waiting for a call. */
  readonly idle: number;
  /** Calls waiting for a connection. */
  readonly waiting: number;
}

interface Waiter {
  readonly grant: (connection: RiakConnection) => void;
  readonly refuse: (error: RiakError) => void;
  readonly options: RiakCallOptions;
}

interface Idle {
  readonly connection: RiakConnection;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The connections to one Riak node: at most `maxConnections`, reused most
 * recently released first, closed after `idleTimeoutMs` idle down to
 * `minConnections`. A call that finds every connection busy waits, within its
 * own timeout and AbortSignal, in arrival order.
 */
export class ConnectionPool {
  private readonly options: PoolOptions;
  private readonly idle: Idle[] = [];
  private readonly waiters: Waiter[] = [];
  private size = 0;
  private closed = false;

  constructor(
    private readonly target: ConnectionTarget,
    options: Partial<PoolOptions> = {},
  ) {
    this.options = { ...defaultPoolOptions, ...options };
    const { minConnections, maxConnections } = this.options;
    if (!Number.isInteger(maxConnections) || maxConnections < 1) {
      throw new RangeError(`maxConnections must be a positive integer, got ${maxConnections}`);
    }
    if (
      !Number.isInteger(minConnections) ||
      minConnections < 0 ||
      minConnections > maxConnections
    ) {
      throw new RangeError(
        `minConnections must be an integer from 0 to maxConnections (${maxConnections}), got ${minConnections}`,
      );
    }
  }

  /** `host:port` of the node. */
  get address(): string {
    return `${this.target.host}:${this.target.port}`;
  }

  /** Current counts, for metrics. */
  stats(): PoolStats {
    return { open: this.size, idle: this.idle.length, waiting: this.waiters.length };
  }

  /**
   * A connection for one exchange; give it back with {@link release}. Fails
   * with a `network` RiakError when the node cannot be reached, `timeout` when
   * none frees up in time, `aborted` on the signal.
   */
  acquire(options: RiakCallOptions = {}): Promise<RiakConnection> {
    if (this.closed) {
      return Promise.reject(new RiakError("network", "pool closed", { node: this.address }));
    }
    const idle = this.idle.pop();
    if (idle !== undefined) {
      clearTimeout(idle.timer);
      return Promise.resolve(idle.connection);
    }
    if (this.size < this.options.maxConnections) return this.connect(options);
    return this.enqueue(options);
  }

  /** Returns a connection after its exchange; a broken one is dropped and replaced for a waiter. */
  release(connection: RiakConnection): void {
    if (!connection.open || this.closed) {
      connection.destroy();
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      waiter.grant(connection);
      return;
    }
    const entry: Idle = { connection, timer: undefined };
    if (this.size > this.options.minConnections) {
      entry.timer = setTimeout(() => this.expire(entry), this.options.idleTimeoutMs);
      entry.timer.unref();
    }
    this.idle.push(entry);
  }

  /** Closes every connection and refuses waiting and later calls. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) {
      waiter.refuse(new RiakError("network", "pool closed", { node: this.address }));
    }
    for (const entry of this.idle.splice(0)) {
      clearTimeout(entry.timer);
      entry.connection.destroy();
    }
  }

  private async connect(options: RiakCallOptions): Promise<RiakConnection> {
    this.size += 1;
    let connection: RiakConnection;
    try {
      connection = await RiakConnection.connect(this.target, {
        ...options,
        timeoutMs: Math.min(options.timeoutMs ?? Infinity, this.options.connectTimeoutMs),
      });
    } catch (error) {
      this.shrink();
      throw error;
    }
    connection.onClose(() => this.forget(connection));
    if (this.closed) {
      connection.destroy();
      throw new RiakError("network", "pool closed", { node: this.address });
    }
    return connection;
  }

  private enqueue(options: RiakCallOptions): Promise<RiakConnection> {
    if (options.signal?.aborted) return Promise.reject(abortedError(this.address, options.signal));
    return new Promise((resolve, reject) => {
      const settle = guardCall(
        this.address,
        options,
        (error) => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          if (error !== undefined) reject(error);
        },
        (ms) => `no connection free within ${ms} ms (${this.size} open)`,
      );
      const waiter: Waiter = {
        options,
        // A connection opened for a waiter that gave up meanwhile goes back to the pool.
        grant: (connection) => {
          if (settle()) resolve(connection);
          else this.release(connection);
        },
        refuse: (error) => {
          settle(error);
        },
      };
      this.waiters.push(waiter);
    });
  }

  private expire(entry: Idle): void {
    const index = this.idle.indexOf(entry);
    if (index >= 0 && this.size > this.options.minConnections) {
      this.idle.splice(index, 1);
      entry.connection.destroy();
    }
  }

  // A connection closed (by either side): drop it, and open one for a waiter if there is room.
  private forget(connection: RiakConnection): void {
    const index = this.idle.findIndex((entry) => entry.connection === connection);
    if (index >= 0) {
      clearTimeout(this.idle[index]?.timer);
      this.idle.splice(index, 1);
    }
    this.shrink();
  }

  private shrink(): void {
    this.size -= 1;
    const waiter = this.waiters[0];
    if (waiter === undefined || this.closed || this.size >= this.options.maxConnections) return;
    this.waiters.shift();
    this.connect(waiter.options).then(waiter.grant, waiter.refuse);
  }
}
