import { create, toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { RpbGetReqSchema } from "../../src/gen/riak/riak_kv_pb.js";
import { encodeFrame, FrameDecoder, FrameError } from "../../src/riak/frame.js";
import { MessageCode } from "../../src/riak/message-codes.js";
import { fromHex, hex } from "./wire-view.js";

const utf8 = (text: string) => new TextEncoder().encode(text);

describe("encodeFrame", () => {
  it("frames RpbGetReq{bucket:b,key:k} as in Riak's documentation", () => {
    const body = toBinary(
      RpbGetReqSchema,
      create(RpbGetReqSchema, { bucket: utf8("b"), key: utf8("k") }),
    );
    expect(hex(encodeFrame(MessageCode.GetReq, body))).toBe("00000007090a016212016b");
  });

  it("frames a bodiless message in five bytes", () => {
    expect(hex(encodeFrame(MessageCode.PingReq))).toBe("0000000101");
  });
});

describe("FrameDecoder", () => {
  it("waits for a length prefix split across chunks", () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(fromHex("0000"))).toEqual([]);
    expect(decoder.push(fromHex("00"))).toEqual([]);
    const frames = decoder.push(fromHex("030a1801"));
    expect(frames.map((f) => [f.code, hex(f.body)])).toEqual([[10, "1801"]]);
    expect(decoder.buffered).toBe(0);
  });

  it("keeps the start of the next frame after a complete one", () => {
    const decoder = new FrameDecoder();
    const first = decoder.push(fromHex("000000010200000003"));
    expect(first.map((f) => f.code)).toEqual([2]);
    expect(decoder.buffered).toBe(4);
    expect(decoder.push(fromHex("121001")).map((f) => [f.code, hex(f.body)])).toEqual([
      [18, "1001"],
    ]);
  });

  it("assembles a large frame from many chunks", () => {
    const body = new Uint8Array(200_000).map((_, i) => i % 251);
    const frame = encodeFrame(MessageCode.GetResp, body);
    const decoder = new FrameDecoder();
    const frames = [];
    for (let at = 0; at < frame.length; at += 1000)
      frames.push(...decoder.push(frame.subarray(at, at + 1000)));
    expect(frames).toHaveLength(1);
    expect(frames[0]?.body).toEqual(body);
  });

  it("rejects a zero length, which carries no message code", () => {
    expect(() => new FrameDecoder().push(fromHex("00000000"))).toThrow(FrameError);
  });

  it("rejects a length above the limit before buffering the body", () => {
    expect(() => new FrameDecoder().push(fromHex("ffffffff"))).toThrow(/exceeds the limit/);
    expect(() => new FrameDecoder(1024).push(fromHex("00000401"))).toThrow(FrameError);
    expect(new FrameDecoder(1024).push(fromHex("00000400"))).toEqual([]);
  });
});
