/**
 * The Riak protocol-buffers message codes this client sends and expects: the
 * byte after the length prefix that tells the peer how to read the body.
 * Codes the service never uses (list buckets, client ids, CRDTs, search,
 * MapReduce, TLS) are left out.
 */
export const MessageCode = {
  ErrorResp: 0,
  PingReq: 1,
  PingResp: 2,
  GetServerInfoReq: 7,
  GetServerInfoResp: 8,
  GetReq: 9,
  GetResp: 10,
  PutReq: 11,
  PutResp: 12,
  DelReq: 13,
  DelResp: 14,
  ListKeysReq: 17,
  ListKeysResp: 18,
  GetBucketReq: 19,
  GetBucketResp: 20,
  SetBucketReq: 21,
  SetBucketResp: 22,
  // Answered with GetBucketResp (20), not a code of its own.
  GetBucketTypeReq: 31,
} as const;

/** One of the message codes in {@link MessageCode}. */
export type MessageCode = (typeof MessageCode)[keyof typeof MessageCode];

const names = new Map<number, string>(
  Object.entries(MessageCode).map(([name, code]) => [code, `Rpb${name}`]),
);

/** The riak_pb message name for a code, e.g. `RpbGetResp` for 10, or `code N` if unknown. */
export function messageName(code: number): string {
  return names.get(code) ?? `code ${code}`;
}
