import type { RiakCallOptions } from "./call-guard.js";
import type { RiakCluster } from "./cluster.js";
import { isUnknownBucketType } from "./errors.js";

/** The bucket type cannot hold the service's data safely; the message says what to run. */
export class RiakBucketTypeError extends Error {
  override readonly name = "RiakBucketTypeError";
}

// What the operator runs: the PB API can neither create a type nor set dvv_enabled.
const typeProps = `'{"props":{"allow_mult":true,"dvv_enabled":true}}'`;

/**
 * Checks, before the service starts, that every bucket in `bucketType`
 * keeps siblings: the type exists, and each bucket has allow_mult=true and
 * last_write_wins=false (a bucket's own props can override its type's).
 * dvv_enabled cannot be read over the PB API, so the advice always sets it.
 * Rejects with a {@link RiakBucketTypeError} naming the command to run, or
 * with the cluster's RiakError when no node answers.
 */
export async function checkBucketType(
  cluster: RiakCluster,
  bucketType: string,
  buckets: readonly string[],
  options: RiakCallOptions = {},
): Promise<void> {
  for (const bucket of buckets) {
    const props = await cluster
      .execute(
        (client, call) => client.getBucketProps(bucket, { ...call, type: bucketType }),
        options,
      )
      .catch((error: unknown) => {
        if (!isUnknownBucketType(error)) throw error;
        throw new RiakBucketTypeError(
          `Riak has no bucket type '${bucketType}'. Create it with: ` +
            `riak admin bucket-type create ${bucketType} ${typeProps} && ` +
            `riak admin bucket-type activate ${bucketType}`,
          { cause: error },
        );
      });
    if (props.allowMult !== true || props.lastWriteWins === true) {
      throw new RiakBucketTypeError(
        `Riak bucket '${bucket}' in bucket type '${bucketType}' has ` +
          `allow_mult=${props.allowMult}, last_write_wins=${props.lastWriteWins}: ` +
          `concurrent writes would be lost. Run: riak admin bucket-type update ${bucketType} ` +
          `'{"props":{"allow_mult":true,"last_write_wins":false,"dvv_enabled":true}}'` +
          ` (and reset the bucket's own props if it has any)`,
      );
    }
  }
}
