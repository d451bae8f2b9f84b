import type { Config } from "../config/config.js";
import { EmbeddedStore } from "./embedded-store.js";
import type { KeyValueStore } from "./key-value-store.js";

/** The store the configuration selects: the embedded store when no Riak node is listed. */
export async function openStore(config: Config): Promise<KeyValueStore> {
  return EmbeddedStore.open(config.storage.dataDir);
}
