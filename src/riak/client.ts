import {
  create,
  type DescMessage,
  fromBinary,
  type MessageInitShape,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import {
  type RpbContent,
  RpbDelReqSchema,
  RpbGetReqSchema,
  RpbGetRespSchema,
  RpbListKeysReqSchema,
  RpbListKeysRespSchema,
  RpbPutReqSchema,
  RpbPutRespSchema,
} from "../gen/riak/riak_kv_pb.js";
import {
  type RpbBucketProps,
  RpbBucketPropsSchema,
  RpbGetBucketReqSchema,
  RpbGetBucketRespSchema,
  RpbGetBucketTypeReqSchema,
  RpbGetServerInfoRespSchema,
  RpbSetBucketReqSchema,
} from "../gen/riak/riak_pb.js";
import type { RiakCallOptions } from "./call-guard.js";
import type {
  BucketOptions,
  BucketPropsInput,
  DeleteOptions,
  GetOptions,
  GetResult,
  KvOptions,
  PutOptions,
  PutResult,
  ServerInfo,
} from "./client-options.js";
import { type ContentInput, contentFromMessage, contentToMessage, utf8 } from "./content.js";
import { RiakError } from "./errors.js";
import { defaultMaxFrameLength } from "./frame.js";
import { MessageCode } from "./message-codes.js";
import { ConnectionPool, defaultPoolOptions, type PoolOptions, type PoolStats } from "./pool.js";
import { quorumFields } from "./quorum.js";

/** A Riak node's protocol-buffers endpoint. */
export interface RiakNodeAddress {
  readonly host: string;
  readonly port: number;
}

/** Options of {@link RiakClient}: its pool, plus these. */
export interface RiakClientOptions extends PoolOptions {
  /** Time for a call (waiting for a connection included) when the call gives none. Default 5000 ms. */
  readonly requestTimeoutMs: number;
  /** Largest frame accepted from the node. Default 64 MiB. */
  readonly maxFrameLength: number;
}

/** Defaults of {@link RiakClientOptions}. */
export const defaultRiakClientOptions: Readonly<RiakClientOptions> = Object.freeze({
  ...defaultPoolOptions,
  requestTimeoutMs: 5000,
  maxFrameLength: defaultMaxFrameLength,
});

const text = new TextDecoder();
const empty = new Uint8Array(0);

/**
 * A typed client for one Riak node over its protocol-buffers API, with a
 * pool of connections. Every call ends within its `timeoutMs` (default
 * `requestTimeoutMs`, waiting for a connection included) and honours its
 * AbortSignal; failures are RiakErrors.
 */
export class RiakClient {
  /** `host:port` of the node. */
  readonly address: string;
  private readonly pool: ConnectionPool;
  private readonly requestTimeoutMs: number;

  constructor(node: RiakNodeAddress, options: Partial<RiakClientOptions> = {}) {
    const { requestTimeoutMs, maxFrameLength, ...pool } = {
      ...defaultRiakClientOptions,
      ...options,
    };
    this.address = `${node.host}:${node.port}`;
    this.requestTimeoutMs = requestTimeoutMs;
    this.pool = new ConnectionPool({ host: node.host, port: node.port, maxFrameLength }, pool);
  }

  /** The pool's counts, for metrics. */
  poolStats(): PoolStats {
    return this.pool.stats();
  }

  /** Resolves when the node answers a ping. */
  async ping(options: RiakCallOptions = {}): Promise<void> {
    await this.call(MessageCode.PingReq, empty, MessageCode.PingResp, options);
  }

  /** The node's name and version. */
  async serverInfo(options: RiakCallOptions = {}): Promise<ServerInfo> {
    const info = await this.unary(
      MessageCode.GetServerInfoReq,
      empty,
      MessageCode.GetServerInfoResp,
      RpbGetServerInfoRespSchema,
      options,
    );
    return { node: text.decode(info.node), serverVersion: text.decode(info.serverVersion) };
  }

  /** Reads every sibling of a key and their vclock. A missing key is not an error. */
  async get(bucket: string, key: string, options: GetOptions = {}): Promise<GetResult> {
    const { r, pr, notfoundOk, basicQuorum, head, deletedvclock, ifModified } = options;
    const request = encode(RpbGetReqSchema, {
      ...kvFields(bucket, options),
      key: utf8(key),
      ...quorumFields({ r, pr }),
      ...present({ notfoundOk, basicQuorum, head, deletedvclock, ifModified }),
    });
    const response = await this.unary(
      MessageCode.GetReq,
      request,
      MessageCode.GetResp,
      RpbGetRespSchema,
      options,
    );
    return { ...objectOf(response), unchanged: response.unchanged };
  }

  /** Writes a value; with the vclock of a read it supersedes that read's siblings. */
  async put(
    bucket: string,
    key: string,
    content: ContentInput,
    options: PutOptions = {},
  ): Promise<PutResult> {
    const { w, dw, pw, vclock, returnBody, returnHead, ifNotModified, ifNoneMatch } = options;
    const request = encode(RpbPutReqSchema, {
      ...kvFields(bucket, options),
      key: utf8(key),
      content: contentToMessage(content),
      ...quorumFields({ w, dw, pw }),
      ...present({ vclock, returnBody, returnHead, ifNotModified, ifNoneMatch }),
    });
    return objectOf(
      await this.unary(MessageCode.PutReq, request, MessageCode.PutResp, RpbPutRespSchema, options),
    );
  }

  /** Deletes a key (Riak keeps a tombstone for its delete_mode); deleting a missing key succeeds. */
  async delete(bucket: string, key: string, options: DeleteOptions = {}): Promise<void> {
    const { rw, r, w, pr, pw, dw, vclock } = options;
    const request = encode(RpbDelReqSchema, {
      ...kvFields(bucket, options),
      key: utf8(key),
      ...quorumFields({ rw, r, w, pr, pw, dw }),
      ...present({ vclock }),
    });
    await this.call(MessageCode.DelReq, request, MessageCode.DelResp, options);
  }

  /** A bucket's properties: its type's, overlaid with its own. */
  async getBucketProps(bucket: string, options: BucketOptions = {}): Promise<RpbBucketProps> {
    const request = encode(RpbGetBucketReqSchema, { bucket: utf8(bucket), ...typeField(options) });
    return this.props(MessageCode.GetBucketReq, request, options);
  }

  /** Sets some of a bucket's properties; the others keep their values. */
  async setBucketProps(
    bucket: string,
    props: BucketPropsInput,
    options: BucketOptions = {},
  ): Promise<void> {
    const request = encode(RpbSetBucketReqSchema, {
      bucket: utf8(bucket),
      props,
      ...typeField(options),
    });
    await this.call(MessageCode.SetBucketReq, request, MessageCode.SetBucketResp, options);
  }

  /** A bucket type's properties. */
  async getBucketTypeProps(type: string, options: RiakCallOptions = {}): Promise<RpbBucketProps> {
    const request = encode(RpbGetBucketTypeReqSchema, { type: utf8(type) });
    return this.props(MessageCode.GetBucketTypeReq, request, options);
  }

  /** Every key of a bucket. A full scan of the cluster's keyspace: for tests and tools only. */
  async listKeys(bucket: string, options: KvOptions = {}): Promise<string[]> {
    const request = encode(RpbListKeysReqSchema, kvFields(bucket, options));
    const keys: string[] = [];
    await this.call(MessageCode.ListKeysReq, request, MessageCode.ListKeysResp, options, (body) => {
      const batch = fromBinary(RpbListKeysRespSchema, body);
      for (const key of batch.keys) keys.push(text.decode(key));
      return batch.done;
    });
    return keys;
  }

  /** Closes the pool's connections; later calls fail. */
  close(): void {
    this.pool.close();
  }

  private async props(
    code: number,
    request: Uint8Array,
    options: RiakCallOptions,
  ): Promise<RpbBucketProps> {
    const response = await this.unary(
      code,
      request,
      MessageCode.GetBucketResp,
      RpbGetBucketRespSchema,
      options,
    );
    return response.props ?? create(RpbBucketPropsSchema);
  }

  // An exchange with one answer frame, decoded with `schema`.
  private async unary<Desc extends DescMessage>(
    code: number,
    request: Uint8Array,
    expected: number,
    schema: Desc,
    options: RiakCallOptions,
  ): Promise<MessageShape<Desc>> {
    const body = await this.call(code, request, expected, options);
    try {
      return fromBinary(schema, body);
    } catch (error) {
      throw new RiakError("network", `protocol error: undecodable ${schema.typeName}`, {
        node: this.address,
        cause: error,
      });
    }
  }

  /**
   * One exchange on a pooled connection, all of it within the call's time
   * limit. Resolves with the answer's body; with `onFrame`, the answer is a
   * stream that `onFrame` reads until it returns true.
   */
  private async call(
    code: number,
    body: Uint8Array,
    expected: number,
    options: RiakCallOptions,
    onFrame?: (body: Uint8Array) => boolean,
  ): Promise<Uint8Array> {
    const { signal } = options;
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    // Each step gets what is left of the call's time, and the call's signal.
    const step = (ms: number) =>
      signal === undefined ? { timeoutMs: ms } : { timeoutMs: ms, signal };
    const connection = await this.pool.acquire(step(timeoutMs));
    const exchange = step(Math.max(0, deadline - Date.now()));
    try {
      if (onFrame === undefined) return await connection.request(code, body, expected, exchange);
      await connection.exchange(code, body, expected, exchange, onFrame);
      return empty;
    } finally {
      this.pool.release(connection);
    }
  }
}

function objectOf(response: { readonly content: RpbContent[]; readonly vclock: Uint8Array }) {
  return {
    siblings: response.content.map(contentFromMessage),
    vclock: response.vclock.length > 0 ? response.vclock : undefined,
  };
}

function encode<Desc extends DescMessage>(schema: Desc, init: MessageInitShape<Desc>): Uint8Array {
  return toBinary(schema, create(schema, init));
}

function kvFields(bucket: string, options: KvOptions) {
  return {
    bucket: utf8(bucket),
    ...typeField(options),
    ...present({ timeout: options.serverTimeoutMs }),
  };
}

function typeField(options: { readonly type?: string }) {
  return options.type === undefined ? {} : { type: utf8(options.type) };
}

// Only the fields given: an unset proto2 field is not sent, and Riak applies the bucket's default.
function present<T extends Record<string, unknown>>(
  fields: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
