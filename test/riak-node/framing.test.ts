import { setImmediate as nextTurn } from "node:timers/promises";
import { create, toBinary } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RpbGetReqSchema } from "../../src/gen/riak/riak_kv_pb.js";
import { encodeFrame, FrameDecoder, maxFrameLength } from "../support/riak-node/frame-codec.js";
import { type RiakTestCluster, startRiakTestCluster } from "../support/riak-node/index.js";
import { putObject } from "./kv-calls.js";
import { connectTo, frameBytes, type RawConnection } from "./raw-connection.js";

const getFrame = (key: string): Buffer =>
  frameBytes(
    9,
    toBinary(
      RpbGetReqSchema,
      create(RpbGetReqSchema, { bucket: Buffer.from("b"), key: Buffer.from(key) }),
    ),
  );

describe("FrameDecoder", () => {
  it("reassembles a frame split into single bytes", () => {
    const decoder = new FrameDecoder();
    const bytes = getFrame("split");
    const frames = [...bytes].flatMap((byte) => decoder.push(new Uint8Array([byte])));
    expect(frames).toHaveLength(1);
    expect(frames[0]?.code).toBe(9);
    expect(Buffer.from(frames[0]?.body ?? [])).toEqual(bytes.subarray(5));
  });

  it("splits coalesced frames, keeping a partial one for the next read", () => {
    const decoder = new FrameDecoder();
    const bytes = Buffer.concat([frameBytes(1), getFrame("a"), frameBytes(7)]);
    const first = decoder.push(bytes.subarray(0, bytes.length - 2));
    expect(first.map((frame) => frame.code)).toEqual([1, 9]);
    expect(decoder.push(bytes.subarray(bytes.length - 2)).map((frame) => frame.code)).toEqual([7]);
  });

  it("flags a zero-length or oversized frame, after returning the frames before it", () => {
    const zero = new FrameDecoder();
    expect(zero.push(Buffer.concat([frameBytes(1), Buffer.alloc(4)])).map((f) => f.code)).toEqual([
      1,
    ]);
    expect(zero.failed).toBe(true);
    const huge = new FrameDecoder();
    const header = Buffer.alloc(4);
    header.writeUInt32BE(maxFrameLength + 1);
    expect(huge.push(header)).toEqual([]);
    expect(huge.failed).toBe(true);
  });

  it("encodes the length as code + body, big-endian", () => {
    expect(Buffer.from(encodeFrame(2)).toString("hex")).toBe("0000000102");
    expect(Buffer.from(encodeFrame(12, new Uint8Array([1, 2]))).toString("hex")).toBe(
      "000000030c0102",
    );
  });
});

describe("framing over TCP", () => {
  let cluster: RiakTestCluster;
  let connection: RawConnection;

  beforeAll(async () => {
    cluster = await startRiakTestCluster({ nodes: 1 });
    connection = await connectTo(cluster);
  });

  afterAll(async () => {
    connection.close();
    await cluster.close();
  });

  it("answers a request written one byte per TCP write", async () => {
    await putObject(connection, { bucket: "b", key: "trickle" }, "v");
    for (const byte of getFrame("trickle")) {
      connection.writeRaw(new Uint8Array([byte]));
      await nextTurn();
    }
    const reply = await connection.expectFrame();
    expect(reply.code).toBe(10);
    expect(Buffer.from(reply.body).includes(Buffer.from("text/plain"))).toBe(true);
  });

  it("answers several frames in one write in order", async () => {
    connection.writeRaw(
      Buffer.concat([frameBytes(7), getFrame("missing"), frameBytes(1), frameBytes(250)]),
    );
    const codes: number[] = [];
    for (let index = 0; index < 4; index += 1) codes.push((await connection.expectFrame()).code);
    expect(codes).toEqual([8, 10, 2, 0]);
  });
});
