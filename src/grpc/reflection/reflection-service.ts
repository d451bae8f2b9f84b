import { create, fromBinary, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { Code, type ConnectRouter, type ServiceImpl } from "@connectrpc/connect";
import {
  ServerReflection,
  type ServerReflectionRequest,
  ServerReflectionRequestSchema,
  ServerReflectionResponseSchema,
} from "../../gen/grpc/reflection/v1/reflection_pb.js";
import {
  ServerReflection as ServerReflectionV1alpha,
  ServerReflectionRequestSchema as V1alphaRequestSchema,
  ServerReflectionResponseSchema as V1alphaResponseSchema,
} from "../../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { DescriptorIndex } from "./descriptor-index.js";

type Answer = NonNullable<
  MessageInitShape<typeof ServerReflectionResponseSchema>["messageResponse"]
>;

/**
 * Answers one reflection question from the index. Files come with their
 * transitive dependencies; an unknown file, symbol, extension or type is an
 * `error_response` with NOT_FOUND, a question of no known kind one with
 * UNIMPLEMENTED. The stream itself never fails on a bad question.
 */
export function answerReflection(
  index: DescriptorIndex,
  request: ServerReflectionRequest,
): MessageInitShape<typeof ServerReflectionResponseSchema> {
  return {
    validHost: request.host,
    originalRequest: request,
    messageResponse: answer(index, request.messageRequest),
  };
}

function answer(
  index: DescriptorIndex,
  question: ServerReflectionRequest["messageRequest"],
): Answer {
  switch (question.case) {
    case "listServices":
      return {
        case: "listServicesResponse",
        value: { service: index.serviceNames().map((name) => ({ name })) },
      };
    case "fileByFilename":
      return files(index, index.fileByName(question.value), `file "${question.value}"`);
    case "fileContainingSymbol":
      return files(index, index.fileContainingSymbol(question.value), `symbol "${question.value}"`);
    case "fileContainingExtension": {
      const { containingType, extensionNumber } = question.value;
      return files(
        index,
        index.fileContainingExtension(containingType, extensionNumber),
        `extension ${extensionNumber} of "${containingType}"`,
      );
    }
    case "allExtensionNumbersOfType": {
      const numbers = index.extensionNumbers(question.value);
      if (!numbers) return notFound(`message type "${question.value}"`);
      return {
        case: "allExtensionNumbersResponse",
        value: { baseTypeName: question.value, extensionNumber: numbers },
      };
    }
    default:
      return {
        case: "errorResponse",
        value: { errorCode: Code.Unimplemented, errorMessage: "unsupported reflection request" },
      };
  }
}

function files(
  index: DescriptorIndex,
  file: ReturnType<DescriptorIndex["fileByName"]>,
  what: string,
): Answer {
  if (!file) return notFound(what);
  return {
    case: "fileDescriptorResponse",
    value: { fileDescriptorProto: index.serializedWithDependencies(file) },
  };
}

function notFound(what: string): Answer {
  return {
    case: "errorResponse",
    value: { errorCode: Code.NotFound, errorMessage: `${what} not found` },
  };
}

/**
 * Registers `grpc.reflection.v1.ServerReflection` and its wire-identical
 * predecessor `grpc.reflection.v1alpha.ServerReflection` (older grpcurl,
 * Postman). The index covers every service registered on `router`, these
 * two included; it is built on the first question, once every route exists.
 */
export function registerReflection(router: ConnectRouter): void {
  let index: DescriptorIndex | undefined;
  const lookup = () => {
    index ??= new DescriptorIndex(router.handlers.map((handler) => handler.service));
    return index;
  };
  router.service(ServerReflection, reflectionV1(lookup));
  router.service(ServerReflectionV1alpha, reflectionV1alpha(lookup));
}

function reflectionV1(index: () => DescriptorIndex): ServiceImpl<typeof ServerReflection> {
  return {
    async *serverReflectionInfo(requests) {
      for await (const request of requests) yield answerReflection(index(), request);
    },
  };
}

// v1alpha has the same messages under another package: a question is
// re-read as v1 from its bytes, and the v1 answer's bytes read as v1alpha.
function reflectionV1alpha(
  index: () => DescriptorIndex,
): ServiceImpl<typeof ServerReflectionV1alpha> {
  return {
    async *serverReflectionInfo(requests) {
      for await (const request of requests) {
        const v1 = fromBinary(
          ServerReflectionRequestSchema,
          toBinary(V1alphaRequestSchema, request),
        );
        const answer = create(ServerReflectionResponseSchema, answerReflection(index(), v1));
        yield fromBinary(V1alphaResponseSchema, toBinary(ServerReflectionResponseSchema, answer));
      }
    },
  };
}
