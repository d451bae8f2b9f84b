import { create, isFieldSet, type MessageInitShape } from "@bufbuild/protobuf";
import {
  type RpbDelReq,
  RpbDelReqSchema,
  RpbGetReqSchema,
  RpbGetRespSchema,
  RpbPutReqSchema,
  RpbPutRespSchema,
} from "../../../src/gen/riak/riak_kv_pb.js";
import type { RpbBucketProps } from "../../../src/gen/riak/riak_pb.js";
import { bytesOf, nameOf } from "./byte-names.js";
import { isTombstoneOnly } from "./causal-object.js";
import { generateKey, storedContent } from "./content-stamp.js";
import { encodeFrame } from "./frame-codec.js";
import { MessageCode } from "./message-codes.js";
import { decodeRequest, encodeReply } from "./message-io.js";
import { replyContents } from "./object-reply.js";
import {
  checkPreferenceList,
  coordinateRead,
  readQuorum,
  type VnodeAnswer,
} from "./read-coordinator.js";
import {
  checkNames,
  checkQuorum,
  type NodeContext,
  objectSettings,
  parseVclock,
  typeOf,
} from "./request-checks.js";
import { processingError, RiakError } from "./riak-error.js";
import { encodeVclock } from "./vclock-codec.js";
import { emptyVector, sameVector, type VersionVector } from "./version-vector.js";

const notFound = (): Uint8Array => encodeFrame(MessageCode.GetResp);

/** RpbGetReq (9) → RpbGetResp (10). */
export function handleGet(body: Uint8Array, context: NodeContext): Uint8Array[] {
  const request = decodeRequest(RpbGetReqSchema, body, "rpbgetreq");
  const fields = RpbGetReqSchema.field;
  // Riak answers a get without bucket or key as a miss, not as an error (10e).
  if (!isFieldSet(request, fields.bucket) || !isFieldSet(request, fields.key)) return [notFound()];
  checkNames(request.bucket, request.key);
  const type = typeOf(RpbGetReqSchema, request);
  const bucket = nameOf(request.bucket);
  const settings = objectSettings(context, type, bucket);
  checkQuorum(settings.nVal, request.r, request.pr);
  const ifModified = isFieldSet(request, fields.ifModified)
    ? parseVclock(request.ifModified)
    : undefined;
  const key = nameOf(request.key);
  const object = context.backend.get(type, bucket, key);
  const stored: VnodeAnswer =
    object === undefined ? "notFound" : isTombstoneOnly(object) ? "tombstone" : "object";
  const quorum = readQuorum(
    {
      r: isFieldSet(request, fields.r) ? request.r : undefined,
      pr: isFieldSet(request, fields.pr) ? request.pr : undefined,
      notfoundOk: isFieldSet(request, fields.notfoundOk) ? request.notfoundOk : undefined,
      basicQuorum: isFieldSet(request, fields.basicQuorum) ? request.basicQuorum : undefined,
    },
    settings.props,
  );
  // Starting without vnodes, a node finds an empty preference list for every key.
  const replicas =
    context.stage() === "noVnodes"
      ? []
      : context.backend.replicas.of(type, bucket, key, settings.nVal);
  const answer = coordinateRead(
    replicas.map((replica) => ({
      primary: replica.role === "primary",
      answer: replica.hasKey ? stored : "notFound",
    })),
    quorum,
  );
  if (object === undefined || answer === "notFound") return [notFound()];
  const vclock = encodeVclock(object.clock);
  if (answer === "tombstone") {
    return [request.deletedvclock ? reply({ vclock }) : notFound()];
  }
  if (ifModified !== undefined && sameVector(ifModified, object.clock)) {
    return [reply({ unchanged: true })];
  }
  return [reply({ content: replyContents(object, request.head), vclock })];
}

/** RpbPutReq (11) → RpbPutResp (12). */
export function handlePut(body: Uint8Array, context: NodeContext): Uint8Array[] {
  const request = decodeRequest(RpbPutReqSchema, body, "rpbputreq");
  const fields = RpbPutReqSchema.field;
  const sent = request.content;
  if (sent === undefined || !isFieldSet(request, fields.bucket)) {
    throw processingError("{badrecord,undefined}:[{riak_pb_kv_codec,decode_content,1}]");
  }
  const keyGiven = isFieldSet(request, fields.key);
  checkNames(request.bucket, keyGiven ? request.key : undefined);
  const type = typeOf(RpbPutReqSchema, request);
  const bucket = nameOf(request.bucket);
  const settings = objectSettings(context, type, bucket);
  // riak_kv_put_fsm finds the preference list empty before it checks any quorum.
  if (context.stage() === "noVnodes") throw new RiakError("all_nodes_down");
  checkQuorum(settings.nVal, request.w, request.dw, request.pw);
  const vclock = isFieldSet(request, fields.vclock) ? parseVclock(request.vclock) : undefined;
  const key = nameOf(keyGiven ? request.key : generateKey());

  const current = context.backend.get(type, bucket, key);
  const exists = current !== undefined && !isTombstoneOnly(current);
  if (request.ifNotModified) {
    if (!exists) throw new RiakError("notfound");
    if (vclock === undefined || !sameVector(vclock, current.clock)) {
      throw new RiakError("modified");
    }
  }
  if (request.ifNoneMatch && exists) throw new RiakError("match_found");

  const object = context.backend.put(
    type,
    bucket,
    key,
    vclock ?? emptyVector,
    context.actor,
    settings.policy,
    storedContent(sent),
  );
  const response = create(RpbPutRespSchema);
  if (request.returnBody || request.returnHead) {
    response.content = replyContents(object, !request.returnBody);
    response.vclock = encodeVclock(object.clock);
  }
  if (!keyGiven) response.key = bytesOf(key);
  return [encodeReply(MessageCode.PutResp, RpbPutRespSchema, response)];
}

/** RpbDelReq (13) → RpbDelResp (14). */
export function handleDelete(body: Uint8Array, context: NodeContext): Uint8Array[] {
  const request = decodeRequest(RpbDelReqSchema, body, "rpbdelreq");
  const fields = RpbDelReqSchema.field;
  const deleted = encodeFrame(MessageCode.DelResp);
  // Like a get without bucket or key: nothing to delete.
  if (!isFieldSet(request, fields.bucket) || !isFieldSet(request, fields.key)) return [deleted];
  checkNames(request.bucket, request.key);
  const type = typeOf(RpbDelReqSchema, request);
  const bucket = nameOf(request.bucket);
  const settings = objectSettings(context, type, bucket);
  const { rw, r, w, pr, pw, dw } = request;
  checkQuorum(settings.nVal, rw, r, w, pr, pw, dw);
  const vclock = isFieldSet(request, fields.vclock) ? parseVclock(request.vclock) : undefined;
  if (context.stage() === "noVnodes") throw noVnodesForDelete(request, settings.props, vclock);
  context.backend.delete(type, bucket, nameOf(request.key), vclock, context.actor, settings.policy);
  return [deleted];
}

/**
 * What riak_kv_delete answers without vnodes: with a vclock it writes a
 * tombstone at once (the put finds no vnode), without one it reads the key
 * first, at `r` when r or w was sent and at `rw` otherwise.
 */
function noVnodesForDelete(
  request: RpbDelReq,
  props: RpbBucketProps,
  vclock: VersionVector | undefined,
): RiakError {
  if (vclock !== undefined) return new RiakError("all_nodes_down");
  const fields = RpbDelReqSchema.field;
  const atR = isFieldSet(request, fields.r) || isFieldSet(request, fields.w);
  const rField = atR ? fields.r : fields.rw;
  const quorum = readQuorum(
    {
      r: isFieldSet(request, rField) ? (atR ? request.r : request.rw) : undefined,
      pr: isFieldSet(request, fields.pr) ? request.pr : undefined,
      notfoundOk: undefined,
      basicQuorum: undefined,
    },
    { ...props, r: atR ? props.r : props.rw },
  );
  checkPreferenceList(0, 0, quorum);
  // Asked for no reply at all, Riak waits for one that never comes.
  return new RiakError("timeout");
}

function reply(init: MessageInitShape<typeof RpbGetRespSchema>): Uint8Array {
  return encodeReply(MessageCode.GetResp, RpbGetRespSchema, init);
}
