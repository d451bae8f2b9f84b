import type { BucketTypeConfig } from "./bucket-props.js";
import { nameOfText } from "./byte-names.js";
import { KvBackend } from "./kv-backend.js";
import type { ReplicaState } from "./replica-layouts.js";
import { type RiakTestNode, TestNode } from "./test-node.js";

/** Options of {@link startRiakTestCluster}; every field is optional. */
export interface TestClusterOptions {
  /** Number of nodes. Default: 3, or the length of `ports` when given. */
  nodes?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /** One port per node. Default: ephemeral ports (0), kept across stop()/start(). */
  ports?: number[];
  /** Bucket types in addition to "default" (allow_mult false, n_val 3). */
  bucketTypes?: Record<string, BucketTypeConfig>;
  /** How long tombstones stay before the key is gone. Default 3000 (Riak's delete_mode). */
  tombstoneReapMs?: number;
}

/** Several nodes over one shared backend. */
export interface RiakTestCluster {
  readonly nodes: readonly RiakTestNode[];
  /** "h1:p1,h2:p2,..." as RIAK_NODES expects. */
  readonly nodeList: string;
  /** Number of sibling values currently stored for a key (tombstones included), for assertions. */
  siblingCount(type: string, bucket: string, key: string): number;
  /**
   * Lays out the vnodes that reads of a key meet, in the order their answers
   * arrive, as around a node outage: e.g. two fallbacks that answer not
   * found before the one primary that holds the key. Every get, on any node,
   * then counts those answers against its `r`, `pr`, `notfound_ok` and
   * `basic_quorum` as Riak's get coordinator does. Writes still reach the
   * stored object (the vnodes that have the key merge them). `undefined`
   * restores the default: n_val primaries that all hold the key.
   */
  setReplicas(
    type: string,
    bucket: string,
    key: string,
    replicas: readonly ReplicaState[] | undefined,
  ): void;
  /** Stops every node. */
  close(): Promise<void>;
}

const defaults = Object.freeze({ nodes: 3, host: "127.0.0.1", tombstoneReapMs: 3000 });

/**
 * Starts a Riak-compatible test cluster: every node listens on its own port
 * and serves the same data, as a Riak cluster would after replication.
 * @throws Error when the options contradict each other or a port is taken.
 */
export async function startRiakTestCluster(
  options: TestClusterOptions = {},
): Promise<RiakTestCluster> {
  const count = options.nodes ?? options.ports?.length ?? defaults.nodes;
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`nodes must be a positive integer, got ${count}`);
  }
  if (options.ports !== undefined && options.ports.length !== count) {
    throw new Error(`ports has ${options.ports.length} entries but nodes is ${count}`);
  }
  const tombstoneReapMs = options.tombstoneReapMs ?? defaults.tombstoneReapMs;
  if (!(tombstoneReapMs >= 0)) {
    throw new Error(`tombstoneReapMs must be a non-negative number, got ${tombstoneReapMs}`);
  }
  const host = options.host ?? defaults.host;
  const backend = new KvBackend({ bucketTypes: options.bucketTypes ?? {}, tombstoneReapMs });
  const nodes = Array.from(
    { length: count },
    (_, index) =>
      new TestNode({
        name: `riak${index + 1}@${host}`,
        host,
        port: options.ports?.[index] ?? 0,
        backend,
      }),
  );
  const close = async (): Promise<void> => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  try {
    await Promise.all(nodes.map((node) => node.start()));
  } catch (error) {
    await close();
    throw error;
  }
  return {
    nodes,
    nodeList: nodes.map((node) => node.address).join(","),
    siblingCount: (type, bucket, key) =>
      backend.get(nameOfText(type), nameOfText(bucket), nameOfText(key))?.siblings.length ?? 0,
    setReplicas: (type, bucket, key, replicas) =>
      backend.replicas.set(nameOfText(type), nameOfText(bucket), nameOfText(key), replicas),
    close,
  };
}
