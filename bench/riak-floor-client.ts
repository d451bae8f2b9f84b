import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { RpbGetReqSchema, RpbGetRespSchema, RpbPutReqSchema } from "../src/gen/riak/riak_kv_pb.js";
import { RpbErrorRespSchema } from "../src/gen/riak/riak_pb.js";

// The storage floor of the Riak figures: the least a client can do to
// read-modify-write one object, with none of the service's machinery (no
// pool, breaker, retries, merge or codec of ours; only the generated riak_pb
// messages and a socket per call in flight). Codes from riak_pb's
// riak_pb_messages.csv.
const code = { error: 0, getReq: 9, getResp: 10, putReq: 11, putResp: 12 } as const;

/** A 1 KB value: the object the floor reads and writes back. */
const floorValue = randomBytes(1024);

/** One connection: one request at a time, answers read by their length prefix. */
class FloorConnection {
  private buffered = Buffer.alloc(0);
  private waiting: { resolve(frame: Buffer): void; reject(error: Error): void } | undefined;
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    const fail = (error: Error) => {
      this.failure ??= error;
      this.waiting?.reject(error);
      this.waiting = undefined;
    };
    socket.on("error", fail);
    socket.on("close", () => fail(new Error("the Riak node closed the connection")));
  }

  static open(host: string, port: number): Promise<FloorConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port }, () => {
        socket.off("error", reject);
        resolve(new FloorConnection(socket));
      });
      socket.once("error", reject);
    });
  }

  /** Sends one frame; resolves with the answer's code byte and body. */
  call(messageCode: number, body: Uint8Array): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    const frame = Buffer.alloc(5 + body.byteLength);
    frame.writeUInt32BE(body.byteLength + 1, 0);
    frame[4] = messageCode;
    frame.set(body, 5);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(frame);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    if (this.buffered.length < 4) return;
    const length = this.buffered.readUInt32BE(0);
    if (this.buffered.length < 4 + length) return;
    const answer = this.buffered.subarray(4, 4 + length);
    this.buffered = this.buffered.subarray(4 + length);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve(answer);
  }
}

/** A connection and the key that calls on it read and write. */
interface Slot {
  readonly connection: FloorConnection;
  readonly key: string;
}

/**
 * The bench's own minimal Riak client: a get and a put with the vclock read
 * (a raw read-modify-write) of a 1 KB object, over one connection per call in
 * flight, the connections spread round-robin over the nodes. Each connection
 * works on a key of its own, so that no two calls write one key at once.
 */
export class RiakFloorClient {
  private readonly idle: Slot[] = [];
  private readonly all: FloorConnection[] = [];
  private readonly waiters: ((slot: Slot) => void)[] = [];

  private constructor(
    private readonly bucketType: string,
    private readonly bucket: string,
  ) {}

  /**
   * Opens `connections` connections over the nodes (`host:port,...`), in
   * bucket `bucket` of type `bucketType`, keys unique to this client.
   */
  static async open(
    nodeList: string,
    connections: number,
    bucketType: string,
    bucket: string,
  ): Promise<RiakFloorClient> {
    const nodes = nodeList.split(",").map((entry) => {
      const at = entry.lastIndexOf(":");
      return {
        host: entry.slice(0, at).replace(/^\[|\]$/g, ""),
        port: Number(entry.slice(at + 1)),
      };
    });
    const client = new RiakFloorClient(bucketType, bucket);
    const run = randomBytes(6).toString("hex");
    for (let i = 0; i < connections; i++) {
      const node = nodes[i % nodes.length];
      if (!node) throw new Error("no Riak node given");
      const connection = await FloorConnection.open(node.host, node.port);
      client.all.push(connection);
      client.idle.push({ connection, key: `floor-${run}-${i}` });
    }
    return client;
  }

  /** One raw read-modify-write: get the object, put 1 KB back with the vclock read. */
  async readModifyWrite(): Promise<void> {
    const slot =
      this.idle.pop() ?? (await new Promise<Slot>((resolve) => this.waiters.push(resolve)));
    try {
      const location = {
        type: Buffer.from(this.bucketType),
        bucket: Buffer.from(this.bucket),
        key: Buffer.from(slot.key),
      };
      const got = expect(
        await slot.connection.call(
          code.getReq,
          toBinary(RpbGetReqSchema, create(RpbGetReqSchema, location)),
        ),
        code.getResp,
      );
      const { vclock } = fromBinary(RpbGetRespSchema, got);
      const put = create(RpbPutReqSchema, {
        ...location,
        ...(vclock.byteLength > 0 && { vclock }),
        content: { value: floorValue, contentType: Buffer.from("application/octet-stream") },
      });
      expect(await slot.connection.call(code.putReq, toBinary(RpbPutReqSchema, put)), code.putResp);
    } finally {
      const next = this.waiters.shift();
      if (next) next(slot);
      else this.idle.push(slot);
    }
  }

  /** Closes every connection. */
  close(): void {
    for (const connection of this.all) connection.close();
  }
}

function expect(answer: Buffer, wanted: number): Buffer {
  const body = answer.subarray(1);
  if (answer[0] === wanted) return body;
  if (answer[0] === code.error) {
    const error = fromBinary(RpbErrorRespSchema, body);
    throw new Error(`Riak answered ${Buffer.from(error.errmsg).toString()}`);
  }
  throw new Error(`Riak answered message code ${answer[0]}, expected ${wanted}`);
}
