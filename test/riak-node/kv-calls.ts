import { create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  RpbContentSchema,
  RpbDelReqSchema,
  RpbGetReqSchema,
  type RpbGetResp,
  RpbGetRespSchema,
  RpbListKeysReqSchema,
  RpbListKeysRespSchema,
  RpbPutReqSchema,
  type RpbPutResp,
  RpbPutRespSchema,
} from "../../src/gen/riak/riak_kv_pb.js";
import { RpbErrorRespSchema } from "../../src/gen/riak/riak_pb.js";
import { decodeFrame, type RawConnection } from "./raw-connection.js";

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

/** Where an object lives; type defaults to the server's `default`. */
export interface Address {
  readonly bucket: string;
  readonly key: string;
  readonly type?: string;
}

function addressFields(address: Address) {
  return {
    bucket: text(address.bucket),
    key: text(address.key),
    ...(address.type === undefined ? {} : { type: text(address.type) }),
  };
}

/** RpbGetReq → RpbGetResp (fails on any other reply). */
export async function getObject(
  connection: RawConnection,
  address: Address,
  extra: MessageInitShape<typeof RpbGetReqSchema> = {},
): Promise<RpbGetResp> {
  const frame = await connection.call(9, RpbGetReqSchema, { ...extra, ...addressFields(address) });
  return decodeFrame(frame, 10, RpbGetRespSchema);
}

/** The RpbPutReq of a text value with an optional vclock. */
export function putRequest(
  address: Address,
  value: string,
  vclock?: Uint8Array,
  extra: MessageInitShape<typeof RpbPutReqSchema> = {},
): MessageInitShape<typeof RpbPutReqSchema> {
  return {
    ...extra,
    ...addressFields(address),
    content: create(RpbContentSchema, { value: text(value), contentType: text("text/plain") }),
    ...(vclock === undefined ? {} : { vclock }),
  };
}

/** RpbPutReq of a text value with an optional vclock → RpbPutResp. */
export async function putObject(
  connection: RawConnection,
  address: Address,
  value: string,
  vclock?: Uint8Array,
  extra: MessageInitShape<typeof RpbPutReqSchema> = {},
): Promise<RpbPutResp> {
  const frame = await connection.call(
    11,
    RpbPutReqSchema,
    putRequest(address, value, vclock, extra),
  );
  return decodeFrame(frame, 12, RpbPutRespSchema);
}

/** RpbDelReq with an optional vclock → RpbDelResp. */
export async function deleteObject(
  connection: RawConnection,
  address: Address,
  vclock?: Uint8Array,
): Promise<void> {
  const frame = await connection.call(13, RpbDelReqSchema, {
    ...addressFields(address),
    ...(vclock === undefined ? {} : { vclock }),
  });
  if (frame.code !== 14) throw new Error(`expected RpbDelResp, got code ${frame.code}`);
}

/** The errmsg of an RpbErrorResp reply. */
export function errorText(frame: { readonly code: number; readonly body: Uint8Array }): string {
  return new TextDecoder().decode(decodeFrame(frame, 0, RpbErrorRespSchema).errmsg);
}

/** The sibling values of a get reply as text, sorted; tombstones show as "<deleted>". */
export function siblingValues(response: RpbGetResp | RpbPutResp): string[] {
  return response.content
    .map((content) => (content.deleted ? "<deleted>" : new TextDecoder().decode(content.value)))
    .sort();
}

/** RpbListKeysReq → every key of the streamed replies, sorted. */
export async function listKeys(
  connection: RawConnection,
  bucket: string,
  type?: string,
): Promise<string[]> {
  let frame = await connection.call(17, RpbListKeysReqSchema, {
    bucket: text(bucket),
    ...(type === undefined ? {} : { type: text(type) }),
  });
  const keys: string[] = [];
  for (;;) {
    const reply = decodeFrame(frame, 18, RpbListKeysRespSchema);
    keys.push(...reply.keys.map((key) => new TextDecoder().decode(key)));
    if (reply.done) return keys.sort();
    frame = await connection.expectFrame();
  }
}
