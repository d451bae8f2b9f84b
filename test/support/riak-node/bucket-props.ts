import { create, isFieldSet } from "@bufbuild/protobuf";
import {
  type RpbBucketProps,
  RpbBucketProps_RpbReplMode,
  RpbBucketPropsSchema,
} from "../../../src/gen/riak/riak_pb.js";
import { RiakError } from "./riak-error.js";

/** Symbolic quorum values as Riak encodes them in uint32 fields. */
export const Quorum = {
  one: 4294967294,
  quorum: 4294967293,
  all: 4294967292,
  default: 4294967291,
} as const;

/** Settings of a bucket type given when the cluster is created. */
export interface BucketTypeConfig {
  /** Keep concurrent writes as siblings. Default: true (false for the `default` type). */
  allowMult?: boolean;
  /** Dotted version vectors. Never visible in bucket props, as on Riak. Default: false. */
  dvvEnabled?: boolean;
  /** Replicas per key; only bounds the quorum values here. Default: 3. */
  nVal?: number;
  /**
   * A CRDT data type name such as "map": it only shows in the props and
   * forbids allow_mult=false; data-type operations are not implemented.
   */
  datatype?: string;
}

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

/**
 * The full property set Riak 3.2 sends for a bucket of the given type: 21
 * fields on the `default` type, which adds repl and write_once; the other
 * types leave those two out and add datatype when they have one.
 */
export function typeProps(config: BucketTypeConfig, isDefaultType: boolean): RpbBucketProps {
  const props = create(RpbBucketPropsSchema, {
    nVal: config.nVal ?? 3,
    allowMult: config.allowMult ?? !isDefaultType,
    lastWriteWins: false,
    // Riak reports true although the hook lists are empty and not sent.
    hasPrecommit: true,
    hasPostcommit: true,
    chashKeyfun: { module: text("riak_core_util"), function: text("chash_std_keyfun") },
    linkfun: { module: text("riak_kv_wm_link_walker"), function: text("mapreduce_linkfun") },
    oldVclock: 86400,
    youngVclock: 20,
    bigVclock: 50,
    smallVclock: 50,
    pr: 0,
    r: Quorum.quorum,
    w: Quorum.quorum,
    pw: 0,
    dw: Quorum.quorum,
    rw: Quorum.quorum,
    basicQuorum: false,
    notfoundOk: true,
  });
  if (isDefaultType) {
    props.repl = RpbBucketProps_RpbReplMode.TRUE;
    props.writeOnce = false;
  } else if (config.datatype !== undefined) {
    props.datatype = text(config.datatype);
  }
  return props;
}

/**
 * Rejects bucket properties that Riak refuses, with Riak's error text.
 * @throws RiakError `Invalid bucket properties: [...]`
 */
export function validateBucketProps(update: RpbBucketProps, typeHasDatatype: boolean): void {
  // Unset proto2 fields read as 0/false, so presence must be checked first.
  if (isFieldSet(update, RpbBucketPropsSchema.field.nVal) && update.nVal === 0) {
    throw new RiakError("Invalid bucket properties: [{n_val,not_integer}]");
  }
  const allowMultSet = isFieldSet(update, RpbBucketPropsSchema.field.allowMult);
  if (typeHasDatatype && allowMultSet && !update.allowMult) {
    // Riak pretty-prints the Erlang term: the line break and indent are part of the text.
    throw new RiakError(
      `Invalid bucket properties: [{allow_mult,\n${" ".repeat(32)}"Data Type buckets must be allow_mult=true"}]`,
    );
  }
}
