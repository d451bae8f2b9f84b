import { Gauge, type Registry } from "prom-client";
import type { EventBusStats } from "./event-bus.js";

/**
 * Exposes live-stream counts as gauges read at scrape time:
 * `notification_stream_listeners` (open subscriptions on this instance) and
 * `notification_stream_channels` (users with one; with Redis, the channels
 * this instance is SUBSCRIBEd to). Both return to zero when no stream is open.
 */
export function registerEventBusMetrics(registry: Registry, bus: { stats(): EventBusStats }): void {
  new Gauge({
    name: "notification_stream_listeners",
    help: "Live-stream subscriptions open on this instance.",
    registers: [registry],
    collect() {
      this.set(bus.stats().listeners);
    },
  });
  new Gauge({
    name: "notification_stream_channels",
    help: "Users with a live-stream subscription on this instance (Redis channels subscribed).",
    registers: [registry],
    collect() {
      this.set(bus.stats().channels);
    },
  });
}
