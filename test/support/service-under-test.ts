import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Config, defaultConfig } from "../../src/config/config-schema.js";
import { parseRiakNodes } from "../../src/riak/node-list.js";
import { type RunningService, type ServiceOptions, startService } from "../../src/service.js";
import { type RiakTestCluster, startRiakTestCluster } from "./riak-node/index.js";

/** Which store a service under test runs on. */
export type StoreKind = "embedded" | "riak";

/** Every store kind: service-level suites run once per kind (`describe.each(storeKinds)`). */
export const storeKinds: readonly StoreKind[] = ["embedded", "riak"];

/** A service on a free port over a fresh store, and how to reach and stop it. */
export interface ServiceUnderTest {
  readonly service: RunningService;
  readonly config: Config;
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** `http://127.0.0.1:<admin port>` */
  readonly adminUrl: string;
  /** The Riak test cluster, when the store is Riak. */
  readonly riak: RiakTestCluster | undefined;
  /** Stops the service (as SIGTERM would) and deletes its data. */
  close(): Promise<void>;
}

/**
 * Changes to the default configuration, section by section; `riak.nodes`
 * may be given as text (`RIAK_NODES`'s form, such as a test cluster's `nodeList`).
 */
export type ConfigOverrides = {
  [S in keyof Config]?: S extends "riak"
    ? Partial<Omit<Config["riak"], "nodes">> & { readonly nodes?: Config["riak"]["nodes"] | string }
    : Partial<Config[S]>;
};

/**
 * Starts the service on port 0 over a fresh embedded store in a temporary
 * directory, or over a fresh 3-node Riak test cluster with the
 * `notifications` bucket type (allow_mult and dvv_enabled).
 */
export async function startServiceUnderTest(
  kind: StoreKind = "embedded",
  overrides: ConfigOverrides = {},
  options: ServiceOptions = {},
): Promise<ServiceUnderTest> {
  const dataDir = await mkdtemp(join(tmpdir(), "notification-test-"));
  const riak =
    kind === "riak"
      ? await startRiakTestCluster({
          nodes: 3,
          bucketTypes: { notifications: { allowMult: true, dvvEnabled: true } },
        })
      : undefined;
  const config = mergeConfig(overrides, {
    server: { port: 0, admin_port: 0, host: "127.0.0.1" },
    storage: { data_dir: dataDir },
    riak: { nodes: riak?.nodeList ?? "" },
    // Request logs would drown the test output; tests of the logs pass a logger.
    log: { level: "silent" },
  });
  const service = await startService(config, options);
  return {
    service,
    config,
    baseUrl: `http://127.0.0.1:${service.port}`,
    adminUrl: `http://127.0.0.1:${service.adminPort}`,
    riak,
    async close() {
      await service.close();
      await riak?.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The defaults, then `base`, then `overrides`, section by section. */
export function mergeConfig(overrides: ConfigOverrides, base: ConfigOverrides = {}): Config {
  const nodes = overrides.riak?.nodes ?? base.riak?.nodes ?? defaultConfig.riak.nodes;
  const section = <S extends keyof Config>(name: S) => ({
    ...defaultConfig[name],
    ...base[name],
    ...overrides[name],
  });
  return {
    server: section("server"),
    storage: section("storage"),
    rules: section("rules"),
    riak: {
      ...section("riak"),
      nodes: typeof nodes === "string" ? (nodes === "" ? [] : parseRiakNodes(nodes)) : nodes,
    },
    streams: section("streams"),
    redis: section("redis"),
    ingest: section("ingest"),
    log: section("log"),
    producers: section("producers"),
    auth: section("auth"),
    email: section("email"),
    preferences: section("preferences"),
    digest: section("digest"),
    web: section("web"),
  };
}
