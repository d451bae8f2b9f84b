import { create, isFieldSet, type MessageInitShape } from "@bufbuild/protobuf";
import { type RpbContent, RpbContentSchema } from "../gen/riak/riak_kv_pb.js";

/** One value of an object as Riak returns it: a sibling, or a tombstone when `deleted`. */
export interface RiakContent {
  /** The value; empty for tombstones and for head-only reads. */
  readonly value: Uint8Array;
  readonly contentType: string | undefined;
  readonly charset: string | undefined;
  readonly contentEncoding: string | undefined;
  /** Riak's random tag of this sibling. */
  readonly vtag: string | undefined;
  /** When the coordinating node stored this sibling, to the millisecond. */
  readonly lastModified: Date | undefined;
  /** True for a tombstone: a delete that is still a sibling of live values. */
  readonly deleted: boolean;
}

/** A value to write, with the metadata Riak stores beside it. */
export interface ContentInput {
  readonly value: Uint8Array;
  /** Stored as sent, e.g. `application/x-protobuf`. Default: none. */
  readonly contentType?: string;
  readonly charset?: string;
  readonly contentEncoding?: string;
}

const utf8Decoder = new TextDecoder();
const utf8Encoder = new TextEncoder();

/** UTF-8 bytes of a bucket, key or type name. */
export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** Reads an RpbContent; metadata the service does not use (links, usermeta, indexes) is left out. */
export function contentFromMessage(content: RpbContent): RiakContent {
  const text = (field: "contentType" | "charset" | "contentEncoding" | "vtag") =>
    isFieldSet(content, RpbContentSchema.field[field])
      ? utf8Decoder.decode(content[field])
      : undefined;
  return {
    value: content.value,
    contentType: text("contentType"),
    charset: text("charset"),
    contentEncoding: text("contentEncoding"),
    vtag: text("vtag"),
    lastModified: isFieldSet(content, RpbContentSchema.field.lastMod)
      ? new Date(content.lastMod * 1000 + Math.floor(content.lastModUsecs / 1000))
      : undefined,
    deleted: content.deleted,
  };
}

/** The RpbContent for a value to write. */
export function contentToMessage(input: ContentInput): RpbContent {
  const init: MessageInitShape<typeof RpbContentSchema> = { value: input.value };
  if (input.contentType !== undefined) init.contentType = utf8(input.contentType);
  if (input.charset !== undefined) init.charset = utf8(input.charset);
  if (input.contentEncoding !== undefined) init.contentEncoding = utf8(input.contentEncoding);
  return create(RpbContentSchema, init);
}
