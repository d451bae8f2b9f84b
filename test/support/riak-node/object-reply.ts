import type { RpbContent } from "../../../src/gen/riak/riak_kv_pb.js";
import type { CausalObject } from "./causal-object.js";
import { headOnly } from "./content-stamp.js";

/**
 * The contents of an object as get and put replies carry them, tombstone
 * siblings included; with `head`, every value is empty but present.
 */
export function replyContents(object: CausalObject, head: boolean): RpbContent[] {
  return object.siblings.map((sibling) => (head ? headOnly(sibling.content) : sibling.content));
}
