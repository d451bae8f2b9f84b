import { fileURLToPath } from "node:url";
import type { ConfigOverrides, StoreKind } from "../test/support/service-under-test.js";
import { type Child, startChild } from "./child-process.js";

/** The service under benchmark, running in its own process. */
export interface ServiceHost {
  readonly store: StoreKind;
  /** The Riak nodes the service uses (`RIAK_NODES`'s form); undefined on the embedded store. */
  readonly riakNodes: string | undefined;
  /** `http://127.0.0.1:<port>` of the service. */
  readonly baseUrl: string;
  /** `http://127.0.0.1:<port>` of the no-op baseline server in the same process. */
  readonly baselineUrl: string;
  /** The service process's memory, after two full garbage collections. */
  memory(): Promise<NodeJS.MemoryUsage>;
  /** Stops the service (and the Riak test cluster it started) and deletes its data. */
  close(): Promise<void>;
}

/** What a service host runs on besides its store kind. */
export interface ServiceHostSettings {
  /** `storage.retention` of the service. Default: the configuration's (1000). */
  readonly retention?: number;
  /**
   * Riak nodes to use instead of starting some (ignored on the embedded
   * store). Default: `RIAK_NODES` when set, else a 3-node test cluster of the
   * host's own, in a process of its own.
   */
  readonly riakNodes?: RiakNodes;
  /** Configuration beyond the bench's own, such as `ingest` and `redis`. Default: none. */
  readonly config?: ConfigOverrides;
}

/** Riak nodes for the bench, and how to release them. */
export interface RiakNodes {
  /** `RIAK_NODES`'s form: `host:port,...`. */
  readonly nodeList: string;
  /** Stops the test cluster; nothing for a cluster given by `RIAK_NODES`. */
  close(): Promise<void>;
}

const serviceModule = fileURLToPath(new URL("./service-process.ts", import.meta.url));
const riakModule = fileURLToPath(new URL("./riak-process.ts", import.meta.url));

/**
 * The Riak cluster of `RIAK_NODES` when the bench runs with it set (every
 * Riak figure then runs against that cluster), else the 3-node Riak test
 * cluster in a process of its own.
 */
export async function startRiakNodes(): Promise<RiakNodes> {
  const configured = process.env.RIAK_NODES ?? "";
  if (configured !== "") return { nodeList: configured, close: async () => {} };
  const child = await startChild<{ nodeList: string }>(riakModule, []);
  return { nodeList: child.ready.nodeList, close: () => child.close() };
}

/**
 * Starts the service over a fresh store in a child process: the embedded
 * store, or Riak (see {@link ServiceHostSettings.riakNodes}).
 *
 * @param nodeOptions more flags for the service's Node, such as `--cpu-prof`.
 * @param overrides configuration beyond the bench's own (such as `ingest`).
 */
export async function startServiceHost(
  store: StoreKind,
  nodeOptions: readonly string[] = [],
  settings: ServiceHostSettings = {},
): Promise<ServiceHost> {
  const own = store === "riak" && settings.riakNodes === undefined;
  const riak = store === "riak" ? (settings.riakNodes ?? (await startRiakNodes())) : undefined;
  let service: Child<{ port: number; baselinePort: number }>;
  try {
    const args = [
      riak?.nodeList ?? "",
      String(settings.retention ?? ""),
      JSON.stringify(settings.config ?? {}),
    ];
    service = await startChild(serviceModule, args, nodeOptions);
  } catch (error) {
    if (own) await riak?.close();
    throw error;
  }
  return {
    store,
    riakNodes: riak?.nodeList,
    baseUrl: `http://127.0.0.1:${service.ready.port}`,
    baselineUrl: `http://127.0.0.1:${service.ready.baselinePort}`,
    memory: () => service.request("memory"),
    async close() {
      await service.close();
      if (own) await riak?.close();
    },
  };
}
