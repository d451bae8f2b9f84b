import { randomBytes } from "node:crypto";
import { clearField, clone, create } from "@bufbuild/protobuf";
import { type RpbContent, RpbContentSchema } from "../../../src/gen/riak/riak_kv_pb.js";

const base62Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** The base-62 digits of a random number of `byteCount` bytes (no leading zeros). */
export function randomBase62(byteCount: number): string {
  let value = BigInt(`0x${randomBytes(byteCount).toString("hex")}`);
  let digits = "";
  while (value > 0n) {
    digits = base62Digits[Number(value % 62n)] + digits;
    value /= 62n;
  }
  return digits || "0";
}

/** A key for a put that named none: 27 base-62 characters, like Riak's. */
export function generateKey(): Uint8Array {
  return new TextEncoder().encode(randomBase62(20).padStart(27, "0"));
}

// Riak's vtag is a random 128-bit number in base 62, hence 20 to 22 characters.
function stampServerFields(content: RpbContent): RpbContent {
  const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  content.vtag = new TextEncoder().encode(randomBase62(16));
  content.lastMod = Math.floor(micros / 1_000_000);
  content.lastModUsecs = micros % 1_000_000;
  return content;
}

/**
 * The content a put stores: what the client sent (content_type, charset,
 * content_encoding, links, usermeta, indexes echoed as they are) with the
 * server fields set, and without a client-sent `deleted` flag.
 */
export function storedContent(sent: RpbContent): RpbContent {
  const content = clone(RpbContentSchema, sent);
  // A live value never carries the field on the wire, not even as false.
  clearField(content, RpbContentSchema.field.deleted);
  return stampServerFields(content);
}

/** The content of a tombstone: an empty value, deleted=true, no content_type. */
export function tombstoneContent(): RpbContent {
  return stampServerFields(create(RpbContentSchema, { value: new Uint8Array(0), deleted: true }));
}

/** The content as head=true / return_head show it: every field but an empty value. */
export function headOnly(content: RpbContent): RpbContent {
  const head = clone(RpbContentSchema, content);
  head.value = new Uint8Array(0);
  return head;
}
