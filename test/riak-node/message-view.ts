import {
  type DescMessage,
  fromBinary,
  type JsonObject,
  type JsonValue,
  toJson,
} from "@bufbuild/protobuf";
import {
  RpbDelReqSchema,
  RpbGetClientIdRespSchema,
  RpbGetReqSchema,
  RpbGetRespSchema,
  RpbListBucketsReqSchema,
  RpbListBucketsRespSchema,
  RpbListKeysReqSchema,
  RpbListKeysRespSchema,
  RpbPutReqSchema,
  RpbPutRespSchema,
} from "../../src/gen/riak/riak_kv_pb.js";
import {
  RpbErrorRespSchema,
  RpbGetBucketReqSchema,
  RpbGetBucketRespSchema,
  RpbGetBucketTypeReqSchema,
  RpbGetServerInfoRespSchema,
  RpbSetBucketReqSchema,
} from "../../src/gen/riak/riak_pb.js";

/** The body schema of each message code that has a body. */
export const schemaByCode: ReadonlyMap<number, DescMessage> = new Map<number, DescMessage>([
  [0, RpbErrorRespSchema],
  [4, RpbGetClientIdRespSchema],
  [8, RpbGetServerInfoRespSchema],
  [9, RpbGetReqSchema],
  [10, RpbGetRespSchema],
  [11, RpbPutReqSchema],
  [12, RpbPutRespSchema],
  [13, RpbDelReqSchema],
  [15, RpbListBucketsReqSchema],
  [16, RpbListBucketsRespSchema],
  [17, RpbListKeysReqSchema],
  [18, RpbListKeysRespSchema],
  [19, RpbGetBucketReqSchema],
  [20, RpbGetBucketRespSchema],
  [21, RpbSetBucketReqSchema],
  [31, RpbGetBucketTypeReqSchema],
]);

/**
 * The fields present in a frame body as JSON (proto2 presence kept: a field
 * sent as false shows, an absent one does not). Bodiless codes give {}.
 */
export function fieldsOf(code: number, body: Uint8Array): JsonObject {
  const schema = schemaByCode.get(code);
  if (schema === undefined) {
    if (body.length > 0) throw new Error(`code ${code} should have no body`);
    return {};
  }
  return toJson(schema, fromBinary(schema, body)) as JsonObject;
}

const serverSet = "<set by server>";

/**
 * A frame's fields with what legitimately differs between two servers
 * replaced by markers: vtags, times, vclock bytes, generated keys, node
 * names. Siblings are sorted, since their order is the server's choice.
 */
export function comparableView(code: number, body: Uint8Array): JsonObject {
  const view = { ...fieldsOf(code, body) };
  if (code === 10 || code === 12) {
    if (Array.isArray(view.content)) {
      view.content = view.content
        .map((content) => withMarkers(content as JsonObject, ["vtag", "lastMod", "lastModUsecs"]))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    }
    return withMarkers(view, ["vclock", "key"]);
  }
  if (code === 8) return withMarkers(view, ["node"]);
  if (code === 0 && typeof view.errmsg === "string") {
    view.errmsg = Buffer.from(view.errmsg, "base64").toString("utf8");
  }
  return view;
}

function withMarkers(object: JsonObject, names: readonly string[]): JsonObject {
  const copy: Record<string, JsonValue> = { ...object };
  for (const name of names) {
    if (name in copy) copy[name] = serverSet;
  }
  return copy;
}

/** The text of a bytes field as toJson renders it (base64). */
export function bytesField(view: JsonObject, name: string): Buffer | undefined {
  const value = view[name];
  return typeof value === "string" ? Buffer.from(value, "base64") : undefined;
}
