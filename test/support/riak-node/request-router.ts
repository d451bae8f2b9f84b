import { RpbGetClientIdRespSchema } from "../../../src/gen/riak/riak_kv_pb.js";
import { RpbGetServerInfoRespSchema } from "../../../src/gen/riak/riak_pb.js";
import { handleGetBucket, handleGetBucketType, handleSetBucket } from "./bucket-handlers.js";
import { encodeFrame, type Frame } from "./frame-codec.js";
import { handleListBuckets, handleListKeys } from "./listing-handlers.js";
import { MessageCode } from "./message-codes.js";
import { encodeReply, errorFrame, requireEmptyBody } from "./message-io.js";
import { handleDelete, handleGet, handlePut } from "./object-handlers.js";
import type { NodeContext } from "./request-checks.js";
import { processingError, RiakError } from "./riak-error.js";
import { isUnregistered } from "./startup-stage.js";

/** The version string the test node reports, as the recorded Riak did. */
export const serverVersion = "3.2.2p1-nhse";

/** The frames that answer one request, and whether the connection closes after them. */
export interface RequestOutcome {
  readonly frames: readonly Uint8Array[];
  readonly close: boolean;
}

type Handler = (body: Uint8Array, context: NodeContext) => Uint8Array[];

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

const handlers: ReadonlyMap<number, Handler> = new Map<number, Handler>([
  [
    MessageCode.PingReq,
    (body) => {
      requireEmptyBody(body, "rpbpingreq");
      return [encodeFrame(MessageCode.PingResp)];
    },
  ],
  [
    MessageCode.GetClientIdReq,
    (body) => {
      requireEmptyBody(body, "rpbgetclientidreq");
      return [
        encodeReply(MessageCode.GetClientIdResp, RpbGetClientIdRespSchema, {
          clientId: new Uint8Array(4),
        }),
      ];
    },
  ],
  [
    MessageCode.GetServerInfoReq,
    (body, context) => {
      requireEmptyBody(body, "rpbgetserverinforeq");
      return [
        encodeReply(MessageCode.GetServerInfoResp, RpbGetServerInfoRespSchema, {
          node: text(context.name),
          serverVersion: text(serverVersion),
        }),
      ];
    },
  ],
  [MessageCode.GetReq, handleGet],
  [MessageCode.PutReq, handlePut],
  [MessageCode.DelReq, handleDelete],
  [MessageCode.ListBucketsReq, handleListBuckets],
  [MessageCode.ListKeysReq, handleListKeys],
  [MessageCode.GetBucketReq, handleGetBucket],
  [MessageCode.SetBucketReq, handleSetBucket],
  [MessageCode.GetBucketTypeReq, handleGetBucketType],
]);

/**
 * Answers one request frame. Errors a client can cause become RpbErrorResp;
 * an unknown code keeps the connection open (10d), undecodable input closes it.
 * A node still starting answers riak_kv's codes as unknown (see StartupStage).
 */
export function routeRequest(frame: Frame, context: NodeContext): RequestOutcome {
  const handler = isUnregistered(context.stage(), frame.code)
    ? undefined
    : handlers.get(frame.code);
  if (handler === undefined) {
    return { frames: [errorFrame(`Unknown message code: ${frame.code}`)], close: false };
  }
  try {
    return { frames: handler(frame.body, context), close: false };
  } catch (error) {
    // Anything else is a bug of the test node; Riak answers its own crashes the same way.
    const failure =
      error instanceof RiakError ? error : processingError(`${String(error)}:[{riak_test_node}]`);
    return { frames: [errorFrame(failure.errmsg)], close: failure.closeConnection };
  }
}
