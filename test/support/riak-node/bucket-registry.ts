import { clone, merge } from "@bufbuild/protobuf";
import { type RpbBucketProps, RpbBucketPropsSchema } from "../../../src/gen/riak/riak_pb.js";
import { type BucketTypeConfig, typeProps, validateBucketProps } from "./bucket-props.js";
import { nameOfText } from "./byte-names.js";
import type { MergePolicy } from "./causal-object.js";

/** The name of the bucket type that always exists. */
export const defaultTypeName = "default";

/** What the backend needs to know about one bucket. */
export interface BucketSettings {
  /** The full props as RpbGetBucketResp sends them: type props, then bucket overrides. */
  readonly props: RpbBucketProps;
  readonly policy: MergePolicy;
  readonly nVal: number;
}

interface BucketType {
  readonly props: RpbBucketProps;
  readonly dvvEnabled: boolean;
  readonly hasDatatype: boolean;
}

/**
 * The bucket types of one cluster and the props set on single buckets.
 * Types and buckets are named by their wire bytes as latin1 strings (see byte-names.ts).
 */
export class BucketRegistry {
  private readonly types = new Map<string, BucketType>();
  private readonly overrides = new Map<string, RpbBucketProps>();

  /**
   * @param configs Bucket types besides `default`. An entry named `default`
   *   changes the default type's allow_mult and n_val (Riak 3.2: false and 3).
   */
  constructor(configs: Readonly<Record<string, BucketTypeConfig>>) {
    const defaultConfig = configs[defaultTypeName] ?? {};
    for (const [name, config] of [
      [defaultTypeName, defaultConfig] as const,
      ...Object.entries(configs),
    ]) {
      this.types.set(nameOfText(name), {
        props: typeProps(config, name === defaultTypeName),
        dvvEnabled: config.dvvEnabled ?? false,
        hasDatatype: config.datatype !== undefined,
      });
    }
  }

  /** The props of a bucket type, or undefined when there is no such type. */
  typeProps(type: string): RpbBucketProps | undefined {
    const found = this.types.get(type);
    return found && clone(RpbBucketPropsSchema, found.props);
  }

  /** The settings of a bucket, or undefined when its type does not exist. */
  settings(type: string, bucket: string): BucketSettings | undefined {
    const found = this.types.get(type);
    if (found === undefined) return undefined;
    const props = clone(RpbBucketPropsSchema, found.props);
    const override = this.overrides.get(overrideKey(type, bucket));
    if (override !== undefined) merge(RpbBucketPropsSchema, props, override);
    return {
      props,
      policy: { allowMult: props.allowMult && !props.lastWriteWins, dvvEnabled: found.dvvEnabled },
      nVal: props.nVal,
    };
  }

  /**
   * Sets props on one bucket, over those of its type and those set before.
   * @returns false when the type does not exist.
   * @throws RiakError when Riak would refuse the props.
   */
  setBucketProps(type: string, bucket: string, update: RpbBucketProps): boolean {
    const found = this.types.get(type);
    if (found === undefined) return false;
    validateBucketProps(update, found.hasDatatype);
    const key = overrideKey(type, bucket);
    const override = this.overrides.get(key) ?? clone(RpbBucketPropsSchema, update);
    if (this.overrides.has(key)) merge(RpbBucketPropsSchema, override, update);
    // Hook lists are not kept: the test node runs no hooks, and Riak never sends empty lists.
    override.precommit = [];
    override.postcommit = [];
    this.overrides.set(key, override);
    return true;
  }
}

function overrideKey(type: string, bucket: string): string {
  return `${type}\u0000${bucket}`;
}
