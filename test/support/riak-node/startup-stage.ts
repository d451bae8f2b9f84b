import { MessageCode } from "./message-codes.js";

/**
 * How far a (re)starting Riak node has come, as its PB port shows it. Riak
 * opens the PB listener (riak_api) before riak_kv registers its messages, and
 * riak_kv answers before the cluster's vnodes are up:
 * - `listenerOnly`: every message but riak_api's own (ping, server info,
 *   bucket and bucket-type props) gets `Unknown message code: N`, the answer
 *   to a code nothing has registered;
 * - `noVnodes`: riak_kv answers, but no vnode is up, so the preference list
 *   of every key is empty: a get fails `{insufficient_vnodes,0,need,R}` (or
 *   `{pr_val_unsatisfied,PR,0}` when it asks for primaries), a put
 *   `all_nodes_down`, a key or bucket listing `insufficient_vnodes_available`;
 * - `serving`: the default.
 */
export type StartupStage = "listenerOnly" | "noVnodes" | "serving";

// riak_api_app's services: the messages a node answers before riak_kv has started.
const riakApiCodes: ReadonlySet<number> = new Set([
  MessageCode.PingReq,
  MessageCode.GetServerInfoReq,
  MessageCode.GetBucketReq,
  MessageCode.SetBucketReq,
  // Reset bucket (29) has no handler here either way.
  MessageCode.GetBucketTypeReq,
]);

/** True when a node at `stage` has no service registered for request `code`. */
export function isUnregistered(stage: StartupStage, code: number): boolean {
  return stage === "listenerOnly" && !riakApiCodes.has(code);
}

/** The error text Riak sends for a key or bucket listing when no vnode is up. */
export const noCoverageError = "insufficient_vnodes_available";
