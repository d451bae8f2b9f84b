import type { JsonReadOptions, JsonWriteOptions } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * How the RPC protocols that carry JSON (Connect, gRPC-Web and gRPC with
 * `+json`) read and write messages, so that they take what REST takes:
 * answers use the proto field names (`created_at`); an unknown field in a
 * request is INVALID_ARGUMENT naming it (Connect's own default ignores it);
 * a request that is not valid UTF-8 is INVALID_ARGUMENT (the default
 * decoder would store U+FFFD in its place).
 */
export const apiJsonOptions: Partial<JsonReadOptions & JsonWriteOptions> & {
  /**
   * Read by Connect's JSON serialization beside the protobuf options, though
   * the adapter's `jsonOptions` type does not name it;
   * test/server/json-input.test.ts fails should Connect stop reading it.
   */
  readonly textDecoder: { decode(input?: Uint8Array): string };
} = Object.freeze({
  useProtoFieldName: true,
  ignoreUnknownFields: false,
  textDecoder: {
    decode(input?: Uint8Array): string {
      try {
        return utf8.decode(input);
      } catch {
        throw new ConnectError("the request body is not valid UTF-8", Code.InvalidArgument);
      }
    },
  },
});
