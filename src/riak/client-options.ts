import type { MessageInitShape } from "@bufbuild/protobuf";
import type { RpbBucketPropsSchema } from "../gen/riak/riak_pb.js";
import type { RiakCallOptions } from "./call-guard.js";
import type { RiakContent } from "./content.js";
import type { Quorum } from "./quorum.js";

// The vocabulary of RiakClient's calls: their options and results.

/** Options every key/value request shares. Unset fields are not sent: Riak applies the bucket's. */
export interface KvOptions extends RiakCallOptions {
  /** Bucket type. Default: Riak's `default` type. */
  readonly type?: string;
  /** Riak's own time limit for the request (the `timeout` field), in ms. Default: Riak's. */
  readonly serverTimeoutMs?: number;
}

/** Options of {@link RiakClient.get}. */
export interface GetOptions extends KvOptions {
  readonly r?: Quorum;
  readonly pr?: Quorum;
  readonly notfoundOk?: boolean;
  readonly basicQuorum?: boolean;
  /** Contents without values (metadata only). */
  readonly head?: boolean;
  /** On a deleted key, answer with the tombstone's vclock (so a later put supersedes it). */
  readonly deletedvclock?: boolean;
  /** A vclock: when the object still has it, the answer is `unchanged` with no contents. */
  readonly ifModified?: Uint8Array;
}

/** What a get finds: no siblings and no vclock when the key does not exist. */
export interface GetResult {
  /** Every sibling, tombstones included (`deleted`); order is Riak's, not insertion order. */
  readonly siblings: readonly RiakContent[];
  /** The one vclock of all the siblings; pass it to the next put or delete of the key. */
  readonly vclock: Uint8Array | undefined;
  /** True when `ifModified` matched the current vclock. */
  readonly unchanged: boolean;
}

/** Options of {@link RiakClient.put}. */
export interface PutOptions extends KvOptions {
  /** The vclock of the read this write supersedes; without it the write becomes a sibling. */
  readonly vclock?: Uint8Array;
  readonly w?: Quorum;
  readonly dw?: Quorum;
  readonly pw?: Quorum;
  readonly returnBody?: boolean;
  readonly returnHead?: boolean;
  /** Fail with a `precondition` error (`modified`) unless `vclock` is still current. */
  readonly ifNotModified?: boolean;
  /** Fail with a `precondition` error (`match_found`) if the key exists. */
  readonly ifNoneMatch?: boolean;
}

/** What a put answers; siblings and vclock only with `returnBody` or `returnHead`. */
export interface PutResult {
  readonly siblings: readonly RiakContent[];
  readonly vclock: Uint8Array | undefined;
}

/** Options of {@link RiakClient.delete}. */
export interface DeleteOptions extends KvOptions {
  /** The vclock of the read this delete supersedes. */
  readonly vclock?: Uint8Array;
  readonly rw?: Quorum;
  readonly r?: Quorum;
  readonly w?: Quorum;
  readonly pr?: Quorum;
  readonly pw?: Quorum;
  readonly dw?: Quorum;
}

/** Options of the bucket-level calls. */
export interface BucketOptions extends RiakCallOptions {
  /** Bucket type. Default: Riak's `default` type. */
  readonly type?: string;
}

/** Bucket properties to set; unset ones keep their value. */
export type BucketPropsInput = MessageInitShape<typeof RpbBucketPropsSchema>;

/** What a node says about itself. */
export interface ServerInfo {
  /** The Erlang node name, e.g. `riak@127.0.0.1`. */
  readonly node: string;
  /** e.g. `3.2.2p1-nhse`. */
  readonly serverVersion: string;
}
