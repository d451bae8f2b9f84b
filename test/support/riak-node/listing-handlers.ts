import {
  RpbListBucketsReqSchema,
  RpbListBucketsRespSchema,
  RpbListKeysReqSchema,
  RpbListKeysRespSchema,
} from "../../../src/gen/riak/riak_kv_pb.js";
import { bytesOf, nameOf } from "./byte-names.js";
import { MessageCode } from "./message-codes.js";
import { decodeRequest, encodeReply } from "./message-io.js";
import { checkNames, type NodeContext, objectSettings, typeOf } from "./request-checks.js";
import { RiakError } from "./riak-error.js";
import { noCoverageError } from "./startup-stage.js";

// Small on purpose: clients then meet multi-frame streams even with few keys.
const batchSize = 2;

/** RpbListKeysReq (17) → RpbListKeysResp (18) batches, then one with only done=true. */
export function handleListKeys(body: Uint8Array, context: NodeContext): Uint8Array[] {
  const request = decodeRequest(RpbListKeysReqSchema, body, "rpblistkeysreq");
  checkNames(request.bucket);
  const type = typeOf(RpbListKeysReqSchema, request);
  const bucket = nameOf(request.bucket);
  objectSettings(context, type, bucket);
  if (context.stage() === "noVnodes") throw new RiakError(noCoverageError);
  const keys = context.backend.listKeys(type, bucket).map(bytesOf);
  return [
    ...batches(keys).map((batch) =>
      encodeReply(MessageCode.ListKeysResp, RpbListKeysRespSchema, { keys: batch }),
    ),
    encodeReply(MessageCode.ListKeysResp, RpbListKeysRespSchema, { done: true }),
  ];
}

/**
 * RpbListBucketsReq (15) → one RpbListBucketsResp (16) without `done`, or
 * with stream=true batches and then one with only done=true.
 */
export function handleListBuckets(body: Uint8Array, context: NodeContext): Uint8Array[] {
  const request = decodeRequest(RpbListBucketsReqSchema, body, "rpblistbucketsreq");
  const type = typeOf(RpbListBucketsReqSchema, request);
  if (context.backend.buckets.typeProps(type) === undefined) throw new RiakError("no_type");
  if (context.stage() === "noVnodes") throw new RiakError(noCoverageError);
  const buckets = context.backend.listBuckets(type).map(bytesOf);
  if (!request.stream) {
    return [encodeReply(MessageCode.ListBucketsResp, RpbListBucketsRespSchema, { buckets })];
  }
  return [
    ...batches(buckets).map((batch) =>
      encodeReply(MessageCode.ListBucketsResp, RpbListBucketsRespSchema, { buckets: batch }),
    ),
    encodeReply(MessageCode.ListBucketsResp, RpbListBucketsRespSchema, { done: true }),
  ];
}

function batches<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += batchSize) {
    result.push(items.slice(start, start + batchSize));
  }
  return result;
}
