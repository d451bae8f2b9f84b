import type { Config } from "../config/config.js";
import { EmbeddedStore } from "./embedded-store.js";
import type { KeyValueStore } from "./key-value-store.js";
import { createRiakStore, type RiakOptions } from "./riak-store.js";

/** Extra options for the Riak store that config.yml does not carry. */
export type RiakExtras = Pick<Partial<RiakOptions>, "onBreakerStateChange" | "cluster">;

/**
 * The store the configuration selects: the Riak cluster when `riak.nodes`
 * lists nodes (after checking its bucket type), else the embedded store in
 * `storage.data_dir`.
 */
export async function openStore(config: Config, extras: RiakExtras = {}): Promise<KeyValueStore> {
  const { riak } = config;
  if (riak.nodes.trim() === "") return EmbeddedStore.open(config.storage.dataDir);
  return createRiakStore({
    nodes: riak.nodes,
    bucketType: riak.bucketType,
    r: riak.r,
    pr: riak.pr,
    w: riak.w,
    pw: riak.pw,
    dw: riak.dw,
    timeoutMs: riak.timeoutMs,
    ...extras,
    cluster: { attempts: riak.attempts, ...extras.cluster },
  });
}
