import {
  create,
  type DescField,
  type DescMessage,
  fromBinary,
  type MessageInitShape,
  type MessageShape,
  ScalarType,
  toBinary,
} from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { RpbErrorRespSchema } from "../../../src/gen/riak/riak_pb.js";
import { encodeFrame } from "./frame-codec.js";
import { MessageCode } from "./message-codes.js";
import { processingError } from "./riak-error.js";

/**
 * Decodes a request body the way Riak's decoder does: a top-level field sent
 * with the wrong wire type is ignored (10e), while a body that cannot be
 * parsed at all is a processing error that closes the connection.
 * @param name The message name for the error text, e.g. "rpbgetreq".
 */
export function decodeRequest<Desc extends DescMessage>(
  schema: Desc,
  body: Uint8Array,
  name: string,
): MessageShape<Desc> {
  try {
    return fromBinary(schema, withoutMismatchedFields(schema, body));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw processingError(`{gpb_error,{decoding_failure,{${name},${JSON.stringify(reason)}}}}`);
  }
}

/** Fails like Riak when a message that has no body arrives with one. */
export function requireEmptyBody(body: Uint8Array, name: string): void {
  if (body.length > 0) {
    throw processingError(`{gpb_error,{decoding_failure,{${name},"unexpected body"}}}`);
  }
}

/** Encodes a reply frame from a message of the given schema. */
export function encodeReply<Desc extends DescMessage>(
  code: number,
  schema: Desc,
  init: MessageInitShape<Desc>,
): Uint8Array {
  return encodeFrame(code, toBinary(schema, create(schema, init)));
}

/** An RpbErrorResp frame with errcode 0, the only errcode Riak was seen to send. */
export function errorFrame(errmsg: string): Uint8Array {
  return encodeReply(MessageCode.ErrorResp, RpbErrorRespSchema, {
    errmsg: new TextEncoder().encode(errmsg),
    errcode: 0,
  });
}

function withoutMismatchedFields(schema: DescMessage, body: Uint8Array): Uint8Array {
  const reader = new BinaryReader(body);
  const kept: Uint8Array[] = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const [fieldNo, wireType] = reader.tag();
    reader.skip(wireType, fieldNo);
    const field = schema.fields.find((candidate) => candidate.number === fieldNo);
    if (field === undefined || acceptsWireType(field, wireType)) {
      kept.push(body.subarray(start, reader.pos));
    }
  }
  return Buffer.concat(kept);
}

function acceptsWireType(field: DescField, wireType: WireType): boolean {
  switch (field.fieldKind) {
    case "message":
    case "map":
      return wireType === WireType.LengthDelimited;
    case "enum":
      return wireType === WireType.Varint;
    case "scalar":
      return wireType === scalarWireType(field.scalar);
    case "list":
      if (field.listKind === "message") return wireType === WireType.LengthDelimited;
      // Repeated scalars may come packed.
      if (wireType === WireType.LengthDelimited) return true;
      return (
        wireType === (field.listKind === "enum" ? WireType.Varint : scalarWireType(field.scalar))
      );
  }
}

function scalarWireType(scalar: ScalarType): WireType {
  switch (scalar) {
    case ScalarType.BYTES:
    case ScalarType.STRING:
      return WireType.LengthDelimited;
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
    case ScalarType.FLOAT:
      return WireType.Bit32;
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
    case ScalarType.DOUBLE:
      return WireType.Bit64;
    default:
      return WireType.Varint;
  }
}
