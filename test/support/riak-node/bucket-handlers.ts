import {
  RpbGetBucketReqSchema,
  RpbGetBucketRespSchema,
  RpbGetBucketTypeReqSchema,
  RpbSetBucketReqSchema,
} from "../../../src/gen/riak/riak_pb.js";
import { nameOf } from "./byte-names.js";
import { encodeFrame } from "./frame-codec.js";
import { MessageCode } from "./message-codes.js";
import { decodeRequest, encodeReply } from "./message-io.js";
import { checkNames, type NodeContext, typeOf, typeText } from "./request-checks.js";
import { processingError, RiakError } from "./riak-error.js";

// Bucket-property requests word an unknown type differently from object requests (10h).
const noSuchType = (type: string): RiakError =>
  new RiakError(`No bucket-type named '${typeText(type)}'`);

/** RpbGetBucketReq (19) → RpbGetBucketResp (20): type props overridden by bucket props. */
export function handleGetBucket(body: Uint8Array, context: NodeContext): Uint8Array[] {
  const request = decodeRequest(RpbGetBucketReqSchema, body, "rpbgetbucketreq");
  checkNames(request.bucket);
  const type = typeOf(RpbGetBucketReqSchema, request);
  const settings = context.backend.buckets.settings(type, nameOf(request.bucket));
  if (settings === undefined) throw noSuchType(type);
  return [
    encodeReply(MessageCode.GetBucketResp, RpbGetBucketRespSchema, { props: settings.props }),
  ];
}

/** RpbSetBucketReq (21) → empty RpbSetBucketResp (22). */
export function handleSetBucket(body: Uint8Array, context: NodeContext): Uint8Array[] {
  const request = decodeRequest(RpbSetBucketReqSchema, body, "rpbsetbucketreq");
  const props = request.props;
  if (props === undefined) {
    throw processingError("{badrecord,undefined}:[{riak_pb_codec,decode_bucket_props,1}]");
  }
  checkNames(request.bucket);
  const type = typeOf(RpbSetBucketReqSchema, request);
  if (!context.backend.buckets.setBucketProps(type, nameOf(request.bucket), props)) {
    throw noSuchType(type);
  }
  return [encodeFrame(MessageCode.SetBucketResp)];
}

/** RpbGetBucketTypeReq (31) → RpbGetBucketResp (20) with the type's props. */
export function handleGetBucketType(body: Uint8Array, context: NodeContext): Uint8Array[] {
  const request = decodeRequest(RpbGetBucketTypeReqSchema, body, "rpbgetbuckettypereq");
  const type = nameOf(request.type);
  const props = context.backend.buckets.typeProps(type);
  if (props === undefined) throw noSuchType(type);
  return [encodeReply(MessageCode.GetBucketResp, RpbGetBucketRespSchema, { props })];
}
