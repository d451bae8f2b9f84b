// Shared set-up of the Riak scenario tests (contract §4.5, issue 3 item 7):
// service instances modelled as separate processes, each with its own Riak
// store, repositories and id generator, over one 3-node test cluster.
import { afterEach } from "vitest";
import { createIdGenerator, type IdGenerator } from "../../src/domain/ids.js";
import type { StoredNotification } from "../../src/domain/notification.js";
import type { RiakNodeAddress } from "../../src/riak/client.js";
import { MessageCode } from "../../src/riak/message-codes.js";
import { ForwardingStore } from "../../src/storage/forwarding-store.js";
import type { BucketName, CallOptions } from "../../src/storage/key-value-store.js";
import { createRepositories, type Repositories } from "../../src/storage/repositories.js";
import {
  createRiakStore,
  type RiakKeyValueStore,
  type RiakOptions,
} from "../../src/storage/riak-store.js";
import {
  defaultBucketType,
  testAppOptions,
  testRepositoryOptions,
  testRiakOptions,
} from "../support/module-options.js";
import { type RiakTestCluster, startRiakTestCluster } from "../support/riak-node/index.js";

/** The bucket type every scenario stores in. */
export const bucketType = defaultBucketType;

/** One service instance: its own store, repositories and id generator. */
export interface Instance {
  readonly riak: RiakKeyValueStore;
  /** The store the repositories write through; see {@link HoldableStore.hold}. */
  readonly store: HoldableStore;
  readonly repos: Repositories;
  readonly newId: IdGenerator;
  /** The sibling count of every read of an inbox head this instance made, in order. */
  readonly siblingsSeen: number[];
}

/** Options of {@link Scenarios.openInstance}. */
export interface InstanceOptions extends Partial<Omit<RiakOptions, "nodes">> {
  /** Notifications kept per user. Default: the service's. */
  readonly retention?: number;
  /** Unsealed notifications a head holds at most. Default: the service's. */
  readonly headLimit?: number;
}

/** Starts clusters and instances, and stops them after each test. */
export interface Scenarios {
  /** A 3-node test cluster with the `notifications` type (allow_mult, dvv_enabled). */
  startCluster(): Promise<RiakTestCluster>;
  /** An instance talking to the given nodes only, in the given order. */
  openInstance(
    nodes: string | readonly RiakNodeAddress[],
    options?: InstanceOptions,
  ): Promise<Instance>;
  /** `count` instances, the i-th through node i only, as separate processes would be. */
  openInstances(
    cluster: RiakTestCluster,
    count: number,
    options?: InstanceOptions,
  ): Promise<Instance[]>;
}

/** Registers the clean-up hook of the calling test file and returns its helpers. */
export function useScenarios(): Scenarios {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const openInstance: Scenarios["openInstance"] = async (nodes, options = {}) => {
    const { retention = testAppOptions().retention, headLimit, ...riakOptions } = options;
    const riak = await createRiakStore(testRiakOptions(nodes, riakOptions));
    cleanups.push(() => riak.close());
    const store = new HoldableStore(riak);
    const siblingsSeen: number[] = [];
    const repos = createRepositories(
      store,
      testRepositoryOptions({
        retention,
        ...(headLimit !== undefined && { headLimit }),
        observeSiblings: (bucket, count) => {
          if (bucket === "notifications") siblingsSeen.push(count);
        },
      }),
    );
    // Queued writes finish before the store closes (cleanups run in reverse).
    cleanups.push(() => repos.idle());
    return { riak, store, repos, newId: createIdGenerator(), siblingsSeen };
  };
  return {
    async startCluster() {
      const cluster = await startRiakTestCluster({
        nodes: 3,
        bucketTypes: { [bucketType]: { allowMult: true, dvvEnabled: true } },
      });
      cleanups.push(() => cluster.close());
      return cluster;
    },
    openInstance,
    async openInstances(cluster, count, options) {
      const instances: Instance[] = [];
      for (let i = 0; i < count; i += 1) {
        const node = cluster.nodes[i % cluster.nodes.length];
        if (node === undefined) throw new Error("the cluster has no nodes");
        instances.push(await openInstance([node], options));
      }
      return instances;
    },
  };
}

/** A notification as the service would store it. */
export function notification(id: string, category = "like"): StoredNotification {
  return { id, category, message: `message ${id}`, createdAt: Date.now(), properties: {} };
}

/** Creates a notification with the instance's next id; resolves to the id once acknowledged. */
export async function create(instance: Instance, username: string): Promise<string> {
  const id = instance.newId();
  await instance.repos.inboxes.change(username, { kind: "add", notification: notification(id) });
  return id;
}

/** The ids in a user's inbox as read (and merged) by the instance, newest first, segments included. */
export async function listedIds(instance: Instance, username: string): Promise<string[]> {
  const inbox = await instance.repos.inboxes.read(username);
  return (await inbox.all()).notifications.map((n) => n.id);
}

/** Ids sorted newest first, as lists hold them. */
export function newestFirst(ids: Iterable<string>): string[] {
  return [...ids].sort().reverse();
}

/** Puts (RpbPutReq) every node of the cluster has received so far. */
export function putRequests(cluster: RiakTestCluster): number {
  return cluster.nodes.reduce((sum, node) => sum + (node.requests.get(MessageCode.PutReq) ?? 0), 0);
}

/**
 * A store that can hold its writes back, so that a test can let an
 * instance read, then have others write, and only then let the first
 * instance's write through with its (by then stale) causal context: the
 * interleaving that makes siblings, without relying on timing.
 */
export class HoldableStore extends ForwardingStore {
  private held: { arrived: () => void; released: Promise<void> } | undefined;

  /**
   * Holds every later put and delete until `release` is called. `arrived`
   * resolves once one is waiting (its read is done).
   */
  hold(): { arrived: Promise<void>; release: () => void } {
    let arrived = () => {};
    const arrival = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.held = { arrived, released };
    return {
      arrived: arrival,
      release: () => {
        this.held = undefined;
        release();
      },
    };
  }

  override async put(
    bucket: BucketName,
    key: string,
    value: Uint8Array,
    context: Uint8Array | undefined,
    options?: CallOptions,
  ): Promise<void> {
    await this.wait();
    return this.inner.put(bucket, key, value, context, options);
  }

  override async delete(
    bucket: BucketName,
    key: string,
    context: Uint8Array | undefined,
    options?: CallOptions,
  ): Promise<void> {
    await this.wait();
    return this.inner.delete(bucket, key, context, options);
  }

  private async wait(): Promise<void> {
    const held = this.held;
    if (held === undefined) return;
    held.arrived();
    await held.released;
  }
}
