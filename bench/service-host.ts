import { fileURLToPath } from "node:url";
import type { StoreKind } from "../test/support/service-under-test.js";
import { type Child, startChild } from "./child-process.js";

/** The service under benchmark, running in its own process. */
export interface ServiceHost {
  readonly store: StoreKind;
  /** `http://127.0.0.1:<port>` of the service. */
  readonly baseUrl: string;
  /** `http://127.0.0.1:<port>` of the no-op baseline server in the same process. */
  readonly baselineUrl: string;
  /** The service process's memory, after two full garbage collections. */
  memory(): Promise<NodeJS.MemoryUsage>;
  /** Stops the service (and its Riak test node) and deletes its data. */
  close(): Promise<void>;
}

const serviceModule = fileURLToPath(new URL("./service-process.ts", import.meta.url));
const riakModule = fileURLToPath(new URL("./riak-process.ts", import.meta.url));

/**
 * Starts the service over a fresh store in a child process: the embedded
 * store, or the 3-node Riak test cluster in a third process.
 *
 * @param nodeOptions more flags for the service's Node, such as `--cpu-prof`.
 */
export async function startServiceHost(
  store: StoreKind,
  nodeOptions: readonly string[] = [],
): Promise<ServiceHost> {
  const riak =
    store === "riak" ? await startChild<{ nodeList: string }>(riakModule, []) : undefined;
  let service: Child<{ port: number; baselinePort: number }>;
  try {
    service = await startChild(serviceModule, [riak?.ready.nodeList ?? ""], nodeOptions);
  } catch (error) {
    await riak?.close();
    throw error;
  }
  return {
    store,
    baseUrl: `http://127.0.0.1:${service.ready.port}`,
    baselineUrl: `http://127.0.0.1:${service.ready.baselinePort}`,
    memory: () => service.request("memory"),
    async close() {
      await service.close();
      await riak?.close();
    },
  };
}
