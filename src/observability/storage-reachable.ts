import { Gauge, type Registry } from "prom-client";

/**
 * Registers `notification_storage_reachable`: 1 when the latest storage ping
 * answered, else 0, read from `probe` at each scrape.
 */
export function registerStorageReachable(
  registry: Registry,
  probe: { readonly reachable: boolean },
): void {
  new Gauge({
    name: "notification_storage_reachable",
    help: "1 when the latest storage ping succeeded, else 0.",
    registers: [registry],
    collect() {
      this.set(probe.reachable ? 1 : 0);
    },
  });
}
