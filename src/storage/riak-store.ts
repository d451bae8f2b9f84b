import type { RiakCallOptions } from "../riak/call-guard.js";
import { checkBucketType } from "../riak/check-bucket-type.js";
import type { RiakNodeAddress } from "../riak/client.js";
import {
  type BreakerListener,
  RiakCluster,
  type RiakClusterOptions,
  type RiakNodeState,
  type RiakOperation,
} from "../riak/cluster.js";
import { RiakError } from "../riak/errors.js";
import { parseRiakNodes } from "../riak/node-list.js";
import type { Quorum } from "../riak/quorum.js";
import { StorageTimeoutError, StorageUnavailableError } from "./errors.js";
import {
  type BucketName,
  bucketNames,
  type CallOptions,
  type KeyValueStore,
  type ReadPurpose,
  type SiblingRead,
} from "./key-value-store.js";

/** How the service uses Riak: which nodes, which bucket type, which quorums (`config.riak`). */
export interface RiakOptions {
  /** The nodes, as `host[:port]` entries separated by commas (`RIAK_NODES`) or parsed. */
  readonly nodes: string | readonly RiakNodeAddress[];
  /** The bucket type of every bucket; needs allow_mult and dvv_enabled. */
  readonly bucketType: string;
  /** Read quorum. */
  readonly r: Quorum;
  /** Primary replicas a read needs (`default`: the bucket's, 0 unless changed). */
  readonly pr: Quorum;
  /** Write quorum. */
  readonly w: Quorum;
  /** Primary replicas a write needs. */
  readonly pw: Quorum;
  /** Replicas that must have written to disk. */
  readonly dw: Quorum;
  /**
   * The longest a store call may take, retries on other nodes included; each
   * request also asks Riak to give up once its own attempt's time is over.
   */
  readonly timeoutMs: number;
  /** Nodes tried per call. */
  readonly attempts: number;
  /** Tuning of pools and breakers beyond the configuration: see `defaultRiakClusterOptions`. */
  readonly cluster?: Partial<RiakClusterOptions>;
  /** Told when a node's circuit breaker opens, half-opens or closes. */
  readonly onBreakerStateChange?: BreakerListener;
}

/** What a {@link RiakKeyValueStore} itself uses of {@link RiakOptions}. */
export type RiakStoreOptions = Pick<
  RiakOptions,
  "bucketType" | "r" | "pr" | "w" | "pw" | "dw" | "timeoutMs"
>;

// Readiness reads this key. Usernames cannot hold a space, so no user has it,
// and it is never written.
const probe = { bucket: "notifications", key: "readiness probe" } as const;

/** The content type Riak stores beside each bucket's values (contract §5). */
const contentTypes: Readonly<Record<BucketName, string>> = {
  notifications: "application/x-protobuf",
  segments: "application/x-protobuf",
  cursors: "application/json",
  rules: "application/x-protobuf",
  states: "application/x-protobuf",
  preferences: "application/x-protobuf",
  digests: "application/x-protobuf",
  "digest-schedule": "application/x-protobuf",
  topics: "application/x-protobuf",
  keys: "application/x-protobuf",
  jobs: "application/x-protobuf",
};

/**
 * {@link KeyValueStore} over a Riak cluster. Reads return every live
 * sibling and the vclock, a tombstone's included, so that a write after a
 * delete supersedes the tombstone instead of standing beside it. Failures
 * surface as StorageTimeoutError (the deadline passed) or
 * StorageUnavailableError (anything else); an aborted call rejects with the
 * signal's reason.
 */
export class RiakKeyValueStore implements KeyValueStore {
  constructor(
    private readonly cluster: RiakCluster,
    private readonly options: RiakStoreOptions,
  ) {}

  /** Each node's breaker, counters and pool, for metrics. */
  nodeStates(): RiakNodeState[] {
    return this.cluster.nodeStates();
  }

  /**
   * Reads at `r` and `pr` to show. A read that feeds a write (`update`) also
   * waits for a primary replica (`pr` at least 1, not-found counting towards
   * `r`), so that fallback replicas that never had the key cannot make it
   * read as absent; a `complete` read waits for every replica (`r = all`).
   * See docs/riak.md, "Reads that feed writes".
   */
  async get(bucket: BucketName, key: string, options: CallOptions = {}): Promise<SiblingRead> {
    const quorums = this.readQuorums(options.purpose ?? "show");
    const result = await this.run(
      (client, call) =>
        client.get(bucket, key, { ...this.request(call), ...quorums, deletedvclock: true }),
      options,
    );
    return {
      values: result.siblings.filter((sibling) => !sibling.deleted).map((sibling) => sibling.value),
      context: result.vclock,
    };
  }

  async put(
    bucket: BucketName,
    key: string,
    value: Uint8Array,
    context: Uint8Array | undefined,
    options: CallOptions = {},
  ): Promise<void> {
    const { w, pw, dw } = this.options;
    const content = { value, contentType: contentTypes[bucket] };
    await this.run(
      (client, call) =>
        client.put(bucket, key, content, { ...this.request(call), ...vclock(context), w, pw, dw }),
      options,
    );
  }

  async delete(
    bucket: BucketName,
    key: string,
    context: Uint8Array | undefined,
    options: CallOptions = {},
  ): Promise<void> {
    const { r, pr, w, pw, dw } = this.options;
    await this.run(
      (client, call) =>
        client.delete(bucket, key, { ...this.request(call), ...vclock(context), r, pr, w, pw, dw }),
      options,
    );
  }

  /**
   * Resolves when the cluster can serve a read at the configured `r` and
   * `pr`: a get of a key no user can have (not found is success). A node
   * answers a ping as soon as its listener is up, long before its vnodes
   * can serve a read.
   */
  async ping(options: CallOptions = {}): Promise<void> {
    const { r, pr } = this.options;
    await this.run(
      (client, call) => client.get(probe.bucket, probe.key, { ...this.request(call), r, pr }),
      options,
    );
  }

  async close(): Promise<void> {
    this.cluster.close();
  }

  private readQuorums(purpose: ReadPurpose) {
    const { r, pr } = this.options;
    if (purpose === "show") return { r, pr };
    // Sent explicitly: with the bucket's notfound_ok off, fallbacks' not-found
    // answers would end the read before the primary's value came.
    const atLeastOnePrimary = { pr: pr === "default" || pr === 0 ? 1 : pr, notfoundOk: true };
    return purpose === "update"
      ? { r, ...atLeastOnePrimary }
      : { r: "all" as const, ...atLeastOnePrimary };
  }

  // The attempt's time and signal, the bucket type, and Riak's own time limit to match.
  private request(call: RiakCallOptions) {
    const limit = Math.min(this.options.timeoutMs, call.timeoutMs ?? Infinity);
    // Riak's field is a whole number of milliseconds, and 0 would mean no time at all.
    const serverTimeoutMs = Math.max(1, Math.ceil(limit));
    return { ...call, type: this.options.bucketType, serverTimeoutMs };
  }

  private async run<T>(operation: RiakOperation<T>, options: CallOptions): Promise<T> {
    const { signal } = options;
    try {
      return await this.cluster.execute(operation, {
        timeoutMs: this.options.timeoutMs,
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      throw storageError(error, signal);
    }
  }
}

/**
 * Connects to the cluster, checks that every bucket's type keeps siblings
 * (see `checkBucketType`), and returns the store. Rejects with a
 * RiakBucketTypeError saying what to run when the type is missing or wrong,
 * or a StorageUnavailableError when no node answers.
 */
export async function createRiakStore(options: RiakOptions): Promise<RiakKeyValueStore> {
  const { nodes, attempts, onBreakerStateChange } = options;
  const addresses = typeof nodes === "string" ? parseRiakNodes(nodes) : nodes;
  const cluster = new RiakCluster(
    addresses,
    { ...options.cluster, attempts },
    onBreakerStateChange,
  );
  try {
    await checkBucketType(cluster, options.bucketType, bucketNames, {
      timeoutMs: options.timeoutMs,
    });
  } catch (error) {
    cluster.close();
    throw error instanceof RiakError ? storageError(error, undefined) : error;
  }
  return new RiakKeyValueStore(cluster, options);
}

function vclock(context: Uint8Array | undefined) {
  return context === undefined ? {} : { vclock: context };
}

function storageError(error: unknown, signal: AbortSignal | undefined): unknown {
  if (!(error instanceof RiakError)) return error;
  if (error.kind === "aborted") return signal?.reason ?? error;
  // Cluster-wide errors name their nodes already; a single node's answer does not.
  const message = error.node === undefined ? error.message : `Riak ${error.node}: ${error.message}`;
  return error.kind === "timeout"
    ? new StorageTimeoutError(message, { cause: error })
    : new StorageUnavailableError(message, { cause: error });
}
