import { Counter, Gauge, type Registry } from "prom-client";
import type { BreakerState, RiakNodeState } from "../riak/cluster.js";

/** What the Riak metrics read: the store's per-node view. */
export interface RiakNodeSource {
  nodeStates(): RiakNodeState[];
}

const breakerStates: readonly BreakerState[] = ["closed", "open", "halfOpen"];

/**
 * Registers the per-node Riak metrics, read from `source` at each scrape:
 * `notification_riak_node_requests_total` and `..._errors_total` (by `node`),
 * `notification_riak_node_breaker_state` (1 for the node's current `state`,
 * 0 for the others), `notification_riak_node_connections` (by `state`: open,
 * idle) and `notification_riak_node_waiting_calls`.
 */
export function registerRiakMetrics(registry: Registry, source: RiakNodeSource): void {
  const registers = [registry];
  new Counter({
    name: "notification_riak_node_requests_total",
    help: "Calls that reached each Riak node (not refused by its circuit breaker).",
    labelNames: ["node"],
    registers,
    collect() {
      this.reset();
      for (const node of source.nodeStates()) this.inc({ node: node.address }, node.requests);
    },
  });
  new Counter({
    name: "notification_riak_node_errors_total",
    help: "Calls that failed against each Riak node (network, timeout, overload, server error).",
    labelNames: ["node"],
    registers,
    collect() {
      this.reset();
      for (const node of source.nodeStates()) this.inc({ node: node.address }, node.errors);
    },
  });
  new Gauge({
    name: "notification_riak_node_breaker_state",
    help: "Each Riak node's circuit breaker: 1 for its current state (closed, open, halfOpen).",
    labelNames: ["node", "state"],
    registers,
    collect() {
      for (const node of source.nodeStates()) {
        for (const state of breakerStates) {
          this.set({ node: node.address, state }, node.breaker === state ? 1 : 0);
        }
      }
    },
  });
  new Gauge({
    name: "notification_riak_node_connections",
    help: "Connections to each Riak node, by state: open (or opening), idle.",
    labelNames: ["node", "state"],
    registers,
    collect() {
      for (const node of source.nodeStates()) {
        this.set({ node: node.address, state: "open" }, node.pool.open);
        this.set({ node: node.address, state: "idle" }, node.pool.idle);
      }
    },
  });
  new Gauge({
    name: "notification_riak_node_waiting_calls",
    help: "Calls waiting for a connection to each Riak node.",
    labelNames: ["node"],
    registers,
    collect() {
      for (const node of source.nodeStates()) this.set({ node: node.address }, node.pool.waiting);
    },
  });
}
