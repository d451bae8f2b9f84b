import {
  type DescField,
  type DescMessage,
  isFieldSet,
  type MessageShape,
} from "@bufbuild/protobuf";
import { Quorum } from "./bucket-props.js";
import { defaultTypeName } from "./bucket-registry.js";
import { nameOf, nameOfText } from "./byte-names.js";
import type { KvBackend } from "./kv-backend.js";
import { processingError, RiakError } from "./riak-error.js";
import type { StartupStage } from "./startup-stage.js";
import { decodeVclock } from "./vclock-codec.js";
import { emptyVector, type VersionVector } from "./version-vector.js";

/** What every handler gets from the node that received the request. */
export interface NodeContext {
  readonly backend: KvBackend;
  /** The node's name, e.g. "riak1@127.0.0.1". */
  readonly name: string;
  /** The actor id (hex) the node's writes add to vclocks. */
  readonly actor: string;
  /** How far the node has started; `serving` unless a test says otherwise. */
  stage(): StartupStage;
}

/** The bucket and key names of an object request, checked as Riak checks them. */
export interface ObjectAddress {
  readonly type: string;
  readonly bucket: string;
  readonly key: string;
}

/** A request message that may name a bucket type. */
type TypedRequestSchema = DescMessage & { readonly field: { readonly type: DescField } };

/** The bucket type a request names; `default` when its `type` field is absent. */
export function typeOf<Desc extends TypedRequestSchema>(
  schema: Desc,
  request: MessageShape<Desc> & { readonly type: Uint8Array },
): string {
  return isFieldSet(request, schema.field.type)
    ? nameOf(request.type)
    : nameOfText(defaultTypeName);
}

/**
 * Checks the bucket and (when given) key names of a request.
 * @throws RiakError `Bucket cannot be zero-length` / `Key cannot be zero-length`
 */
export function checkNames(bucket: Uint8Array, key?: Uint8Array): void {
  if (bucket.length === 0) throw new RiakError("Bucket cannot be zero-length");
  if (key !== undefined && key.length === 0) throw new RiakError("Key cannot be zero-length");
}

/**
 * The settings of the bucket an object request names.
 * @throws RiakError `no_type` when the bucket type does not exist (10c).
 */
export function objectSettings(context: NodeContext, type: string, bucket: string) {
  const settings = context.backend.buckets.settings(type, bucket);
  if (settings === undefined) throw new RiakError("no_type");
  return settings;
}

/**
 * Checks quorum values (r, pr, w, dw, pw, rw): a count up to n_val, 0, or a
 * symbolic value. Riak checks before reading, so even a missing key fails.
 * @throws RiakError `{n_val_violation,N}`
 */
export function checkQuorum(nVal: number, ...values: number[]): void {
  for (const value of values) {
    if (value > nVal && value < Quorum.default) {
      throw new RiakError(`{n_val_violation,${nVal}}`);
    }
  }
}

/**
 * Parses vclock bytes a client sent back. Zero bytes mean no vclock (a blind
 * write), as Riak's erlify_rpbvc treats them.
 * @throws RiakError a processing error that closes the connection, as Riak
 *   does for bytes that do not inflate (10g).
 */
export function parseVclock(bytes: Uint8Array): VersionVector {
  if (bytes.length === 0) return emptyVector;
  const vector = decodeVclock(bytes);
  if (vector === undefined) {
    throw processingError('data_error:[{vclock,decode,"not a vclock of this test node"}]');
  }
  return vector;
}

/** The text of a bucket type name, for error messages. */
export function typeText(type: string): string {
  return Buffer.from(type, "latin1").toString("utf8");
}
