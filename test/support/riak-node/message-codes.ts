/**
 * The Riak PB message codes the test node reads and writes (riak_pb's
 * `riak_pb_messages.csv`). The code byte, not the body, names the message.
 */
export const MessageCode = {
  ErrorResp: 0,
  PingReq: 1,
  PingResp: 2,
  GetClientIdReq: 3,
  GetClientIdResp: 4,
  GetServerInfoReq: 7,
  GetServerInfoResp: 8,
  GetReq: 9,
  GetResp: 10,
  PutReq: 11,
  PutResp: 12,
  DelReq: 13,
  DelResp: 14,
  ListBucketsReq: 15,
  ListBucketsResp: 16,
  ListKeysReq: 17,
  ListKeysResp: 18,
  GetBucketReq: 19,
  GetBucketResp: 20,
  SetBucketReq: 21,
  SetBucketResp: 22,
  GetBucketTypeReq: 31,
} as const;
