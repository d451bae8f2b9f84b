import type { RpbContent } from "../../../src/gen/riak/riak_kv_pb.js";
import {
  covers,
  type Dot,
  descends,
  increment,
  mergeVectors,
  type VersionVector,
} from "./version-vector.js";

/** One stored value of a key, tagged with the write event that created it. */
export interface Sibling {
  readonly dot: Dot;
  /** The content as Riak returns it: server fields (vtag, last_mod) already set. */
  readonly content: RpbContent;
}

/** What the backend keeps per key: the causal history and the surviving values. */
export interface CausalObject {
  /** Every write the object has seen; sent to clients as the vclock. */
  readonly clock: VersionVector;
  /** One entry per sibling; tombstones included (their content has deleted=true). */
  readonly siblings: readonly Sibling[];
}

/** How a bucket reconciles concurrent writes. */
export interface MergePolicy {
  /** Keep concurrent values as siblings (allow_mult); otherwise the last write wins. */
  readonly allowMult: boolean;
  /** Dotted version vectors: a write replaces exactly the siblings its context has seen. */
  readonly dvvEnabled: boolean;
}

/**
 * Applies one write (a put, or a delete's tombstone) coordinated by `actor`
 * with the causal `context` the client sent (empty for a blind write), as
 * riak_object:update does:
 * - a context that descends the stored clock replaces every sibling;
 * - otherwise, with allow_mult, the new value joins the others: without DVV
 *   beside all of them, with DVV beside those the context has not seen;
 * - without allow_mult, the new value replaces the others.
 * The new clock always advances, so every write changes the vclock.
 */
export function applyWrite(
  current: CausalObject | undefined,
  context: VersionVector,
  actor: string,
  policy: MergePolicy,
  content: RpbContent,
): CausalObject {
  if (current === undefined || descends(context, current.clock)) {
    const { vector, dot } = increment(context, actor);
    return { clock: vector, siblings: [{ dot, content }] };
  }
  const { vector, dot } = increment(mergeVectors(context, current.clock), actor);
  const written: Sibling = { dot, content };
  if (!policy.allowMult) return { clock: vector, siblings: [written] };
  const kept = policy.dvvEnabled
    ? current.siblings.filter((sibling) => !covers(context, sibling.dot))
    : current.siblings;
  return { clock: vector, siblings: [...kept, written] };
}

/** True when every sibling is a tombstone: reads then answer "not found". */
export function isTombstoneOnly(object: CausalObject): boolean {
  return object.siblings.every((sibling) => sibling.content.deleted);
}
