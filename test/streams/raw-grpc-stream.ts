import { connect } from "node:http2";
import { create, fromBinary, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import {
  SubscribeRequestSchema,
  type SubscribeResponse,
  SubscribeResponseSchema,
} from "../../src/gen/notification/v1/stream_pb.js";

/** Everything a raw gRPC Subscribe call got once it ended. */
export interface RawOutcome {
  readonly responses: SubscribeResponse[];
  /** `grpc-status` of the trailers. */
  readonly status: number;
  readonly message: string;
}

/**
 * A gRPC Subscribe call over a bare HTTP/2 stream that reads only when told:
 * unlike Connect's client, which keeps pulling into memory, it stops taking
 * data, so HTTP/2 flow control pushes back on the server like a stalled app.
 */
export class RawGrpcStream {
  private readonly session;
  private readonly stream;

  constructor(baseUrl: string, request: MessageInitShape<typeof SubscribeRequestSchema>) {
    this.session = connect(baseUrl);
    this.stream = this.session.request({
      ":method": "POST",
      ":path": "/notification.v1.StreamService/Subscribe",
      "content-type": "application/grpc+proto",
      te: "trailers",
    });
    const body = toBinary(SubscribeRequestSchema, create(SubscribeRequestSchema, request));
    const frame = Buffer.alloc(5 + body.length);
    frame.writeUInt32BE(body.length, 1);
    frame.set(body, 5);
    this.stream.end(frame);
    this.stream.pause();
  }

  /** Reads every response until the call ends, and its status. */
  async readToEnd(): Promise<RawOutcome> {
    const trailers = new Promise<Record<string, unknown>>((resolve) =>
      this.stream.once("trailers", (headers) => resolve(headers)),
    );
    let buffer = Buffer.alloc(0);
    const responses: SubscribeResponse[] = [];
    for await (const chunk of this.stream) {
      buffer = Buffer.concat([buffer, chunk as Buffer]);
      while (buffer.length >= 5 && buffer.length >= 5 + buffer.readUInt32BE(1)) {
        const length = buffer.readUInt32BE(1);
        responses.push(fromBinary(SubscribeResponseSchema, buffer.subarray(5, 5 + length)));
        buffer = buffer.subarray(5 + length);
      }
    }
    const headers = await trailers;
    this.session.close();
    return {
      responses,
      status: Number(headers["grpc-status"]),
      message: decodeURIComponent(String(headers["grpc-message"] ?? "")),
    };
  }

  /** Cuts the connection. */
  destroy(): void {
    this.session.destroy();
  }
}
