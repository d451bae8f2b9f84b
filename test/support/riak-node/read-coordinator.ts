import { Quorum } from "./bucket-props.js";
import { RiakError } from "./riak-error.js";

/** What one vnode of a key's preference list answers to a get. */
export type VnodeAnswer = "object" | "tombstone" | "notFound";

/** One vnode's answer, in the order the answers reach the coordinator. */
export interface VnodeReply {
  /** A primary vnode of the key, or a fallback standing in for a primary that is down. */
  readonly primary: boolean;
  readonly answer: VnodeAnswer;
}

/** A get's quorum settings, expanded against the bucket's props (see {@link readQuorum}). */
export interface ReadQuorum {
  readonly n: number;
  readonly r: number;
  readonly pr: number;
  /** A not-found answer counts towards `r` (and `pr`, from a primary). */
  readonly notfoundOk: boolean;
  /** Give up once a majority of vnodes said not found, instead of once `r` became unreachable. */
  readonly basicQuorum: boolean;
}

/** A get's own quorum fields, as sent; undefined when the request left them out. */
export interface SentReadOptions {
  readonly r: number | undefined;
  readonly pr: number | undefined;
  readonly notfoundOk: boolean | undefined;
  readonly basicQuorum: boolean | undefined;
}

/** The bucket props a get falls back on. */
export interface BucketReadProps {
  readonly nVal: number;
  readonly r: number;
  readonly pr: number;
  readonly notfoundOk: boolean;
  readonly basicQuorum: boolean;
}

/**
 * Expands a get's options as riak_kv_get_fsm does: a field left out (or
 * `default`) takes the bucket's value; `one` is 1, `quorum` n/2+1, `all` n.
 */
export function readQuorum(sent: SentReadOptions, props: BucketReadProps): ReadQuorum {
  const n = props.nVal;
  return {
    n,
    r: expand(sent.r, props.r, n),
    pr: expand(sent.pr, props.pr, n),
    notfoundOk: sent.notfoundOk ?? props.notfoundOk,
    basicQuorum: sent.basicQuorum ?? props.basicQuorum,
  };
}

/**
 * What the coordinator of a get answers, given its vnodes' replies in order
 * of arrival, following riak_kv_get_fsm's validation and riak_kv_get_core:
 * - before asking any vnode: more primaries asked for than the preference
 *   list has fails `{pr_val_unsatisfied,PR,Primaries}`, more replies than it
 *   has vnodes `{insufficient_vnodes,Vnodes,need,R}`;
 * - each reply counts as ok (a not-found one only with `notfoundOk`; from a
 *   primary it also counts towards `pr`) or as not found;
 * - the coordinator answers as soon as `r` ok replies (`pr` of them from
 *   primaries) came, or not-found replies reached the failure threshold
 *   (n - max(r, pr) + 1; with `basicQuorum` at most a majority of n), or
 *   every vnode replied;
 * - then: with the quorum met, the merge of every reply so far (the object
 *   if any vnode had it); with only not-found replies, not found; otherwise
 *   `{pr_val_unsatisfied,PR,Got}` or `{r_val_unsatisfied,R,Got}`.
 * @returns the merged answer.
 * @throws RiakError with Riak's text when the get fails.
 */
export function coordinateRead(replies: readonly VnodeReply[], quorum: ReadQuorum): VnodeAnswer {
  const { n, r, pr } = quorum;
  const primaries = replies.filter((reply) => reply.primary).length;
  checkPreferenceList(primaries, replies.length, quorum);
  const failThreshold = quorum.basicQuorum
    ? Math.min(Math.floor(n / 2) + 1, n - Math.max(r, pr) + 1)
    : n - Math.max(r, pr) + 1;
  let ok = 0;
  let primaryOk = 0;
  let notFound = 0;
  let deleted = 0;
  const received: VnodeAnswer[] = [];
  let enough = false;
  for (const reply of replies) {
    received.push(reply.answer);
    if (reply.answer !== "notFound" || quorum.notfoundOk) {
      ok += 1;
      if (reply.primary) primaryOk += 1;
      if (reply.answer === "tombstone") deleted += 1;
    } else {
      notFound += 1;
    }
    if (ok >= r && primaryOk >= pr) return merge(received);
    enough = notFound >= failThreshold || received.length >= n;
    if (enough) break;
  }
  // Riak would wait for replies that never come, until the request's timeout.
  if (!enough) throw new RiakError("timeout");
  if (notFound + deleted > 0 && ok === deleted) return "notFound";
  if (pr > 0 && primaryOk < pr && ok >= r) {
    throw new RiakError(`{pr_val_unsatisfied,${pr},${primaryOk}}`);
  }
  if (pr >= r) throw new RiakError(`{pr_val_unsatisfied,${pr},${primaryOk}}`);
  throw new RiakError(`{r_val_unsatisfied,${r},${ok}}`);
}

/**
 * riak_kv_get_fsm's checks of a preference list before it asks any vnode.
 * @throws RiakError `{pr_val_unsatisfied,PR,Primaries}` when it has fewer
 *   primaries than `pr`, `{insufficient_vnodes,Vnodes,need,R}` when it has
 *   fewer vnodes than `r`.
 */
export function checkPreferenceList(primaries: number, vnodes: number, quorum: ReadQuorum): void {
  const { r, pr } = quorum;
  if (pr > primaries) throw new RiakError(`{pr_val_unsatisfied,${pr},${primaries}}`);
  if (r > vnodes) throw new RiakError(`{insufficient_vnodes,${vnodes},need,${r}}`);
}

// riak_object's merge of the replies: a value beats a tombstone beats nothing.
function merge(received: readonly VnodeAnswer[]): VnodeAnswer {
  if (received.includes("object")) return "object";
  return received.includes("tombstone") ? "tombstone" : "notFound";
}

function expand(sent: number | undefined, bucketValue: number, n: number): number {
  const value = sent === undefined || sent === Quorum.default ? bucketValue : sent;
  if (value === Quorum.one) return 1;
  if (value === Quorum.quorum) return Math.floor(n / 2) + 1;
  if (value === Quorum.all) return n;
  return value;
}
