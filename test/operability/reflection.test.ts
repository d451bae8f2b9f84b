import { create, fromBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { Code, createClient, createRouterTransport } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import {
  ServerReflection,
  ServerReflectionRequestSchema,
  type ServerReflectionResponse,
} from "../../src/gen/grpc/reflection/v1/reflection_pb.js";
import { ServerReflection as ServerReflectionV1alpha } from "../../src/gen/grpc/reflection/v1alpha/reflection_pb.js";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { RuleService } from "../../src/gen/notification/v1/rule_pb.js";
import { registerReflection } from "../../src/grpc/reflection/reflection-service.js";

type Question = NonNullable<
  MessageInitShape<typeof ServerReflectionRequestSchema>["messageRequest"]
>;

const transport = createRouterTransport((router) => {
  router.service(NotificationService, {});
  router.service(RuleService, {});
  registerReflection(router);
});

/** Asks the questions on one v1 stream and returns the answers in order. */
async function ask(...questions: Question[]): Promise<ServerReflectionResponse[]> {
  const client = createClient(ServerReflection, transport);
  const requests = questions.map((q) =>
    create(ServerReflectionRequestSchema, { host: "localhost", messageRequest: q }),
  );
  const answers: ServerReflectionResponse[] = [];
  for await (const answer of client.serverReflectionInfo(iterate(requests))) answers.push(answer);
  return answers;
}

async function askOne(question: Question): Promise<ServerReflectionResponse> {
  const [answer] = await ask(question);
  if (!answer) throw new Error("no answer");
  return answer;
}

async function* iterate<T>(items: readonly T[]): AsyncIterable<T> {
  yield* items;
}

function fileNames(answer: ServerReflectionResponse): string[] {
  if (answer.messageResponse.case !== "fileDescriptorResponse") {
    throw new Error(`expected files, got ${answer.messageResponse.case}`);
  }
  return answer.messageResponse.value.fileDescriptorProto.map(
    (bytes) => fromBinary(FileDescriptorProtoSchema, bytes).name,
  );
}

function errorOf(answer: ServerReflectionResponse) {
  if (answer.messageResponse.case !== "errorResponse") {
    throw new Error(`expected an error, got ${answer.messageResponse.case}`);
  }
  return answer.messageResponse.value;
}

describe("gRPC server reflection", () => {
  it("lists every registered service, its own included", async () => {
    const answer = await askOne({ case: "listServices", value: "" });
    expect(answer.messageResponse.case).toBe("listServicesResponse");
    const names =
      answer.messageResponse.case === "listServicesResponse"
        ? answer.messageResponse.value.service.map((s) => s.name)
        : [];
    expect(names).toEqual([
      "grpc.reflection.v1.ServerReflection",
      "grpc.reflection.v1alpha.ServerReflection",
      "notification.v1.NotificationService",
      "notification.v1.RuleService",
    ]);
  });

  it("echoes the host and the question", async () => {
    const answer = await askOne({ case: "fileByFilename", value: "notification/v1/rule.proto" });
    expect(answer.validHost).toBe("localhost");
    expect(answer.originalRequest?.messageRequest).toEqual({
      case: "fileByFilename",
      value: "notification/v1/rule.proto",
    });
  });

  it("answers a file with its transitive dependencies, the file first", async () => {
    const names = fileNames(
      await askOne({ case: "fileByFilename", value: "notification/v1/notification.proto" }),
    );
    expect(names[0]).toBe("notification/v1/notification.proto");
    expect([...names].sort()).toEqual([
      "google/api/annotations.proto",
      "google/api/http.proto",
      "google/protobuf/descriptor.proto",
      "google/protobuf/timestamp.proto",
      "notification/v1/notification.proto",
    ]);
  });

  it("sends a closed set: every import of every file sent is sent too", async () => {
    const answer = await askOne({ case: "fileByFilename", value: "notification/v1/rule.proto" });
    if (answer.messageResponse.case !== "fileDescriptorResponse") throw new Error("no files");
    const files = answer.messageResponse.value.fileDescriptorProto.map((b) =>
      fromBinary(FileDescriptorProtoSchema, b),
    );
    const sent = new Set(files.map((f) => f.name));
    for (const file of files) for (const dep of file.dependency) expect(sent).toContain(dep);
  });

  it.each([
    ["a service", "notification.v1.RuleService", "notification/v1/rule.proto"],
    ["a method", "notification.v1.RuleService.PutRule", "notification/v1/rule.proto"],
    ["a message", "notification.v1.Notification", "notification/v1/notification.proto"],
    ["a field", "notification.v1.Notification.category", "notification/v1/notification.proto"],
    ["an extension", "google.api.http", "google/api/annotations.proto"],
    ["a dependency's message", "google.protobuf.Timestamp", "google/protobuf/timestamp.proto"],
  ])("finds the file that declares %s", async (_what, symbol, file) => {
    const names = fileNames(await askOne({ case: "fileContainingSymbol", value: symbol }));
    expect(names[0]).toBe(file);
  });

  it("finds the file that declares an extension by type and number", async () => {
    const names = fileNames(
      await askOne({
        case: "fileContainingExtension",
        value: { containingType: "google.protobuf.MethodOptions", extensionNumber: 72295728 },
      }),
    );
    expect(names[0]).toBe("google/api/annotations.proto");
  });

  it("lists the extension numbers of a type", async () => {
    const answer = await askOne({
      case: "allExtensionNumbersOfType",
      value: "google.protobuf.MethodOptions",
    });
    expect(answer.messageResponse).toMatchObject({
      case: "allExtensionNumbersResponse",
      value: { baseTypeName: "google.protobuf.MethodOptions", extensionNumber: [72295728] },
    });
  });

  it("answers NOT_FOUND for unknown names, and keeps the stream going", async () => {
    const answers = await ask(
      { case: "fileByFilename", value: "nope.proto" },
      { case: "fileContainingSymbol", value: "notification.v1.Nope" },
      { case: "fileContainingSymbol", value: "notification.v1.RuleService.Nope" },
      {
        case: "fileContainingExtension",
        value: { containingType: "google.protobuf.MethodOptions", extensionNumber: 1 },
      },
      { case: "allExtensionNumbersOfType", value: "notification.v1.Nope" },
      { case: "listServices", value: "" },
    );
    expect(answers).toHaveLength(6);
    for (const answer of answers.slice(0, 5)) {
      expect(errorOf(answer).errorCode).toBe(Code.NotFound);
    }
    expect(errorOf(answers[0] as ServerReflectionResponse).errorMessage).toBe(
      'file "nope.proto" not found',
    );
    expect(answers[5]?.messageResponse.case).toBe("listServicesResponse");
  });

  it("answers UNIMPLEMENTED to a question of no known kind", async () => {
    const answer = await askOne({ case: undefined });
    expect(errorOf(answer).errorCode).toBe(Code.Unimplemented);
  });

  it("answers the same over v1alpha", async () => {
    const client = createClient(ServerReflectionV1alpha, transport);
    const answers = [];
    for await (const answer of client.serverReflectionInfo(
      iterate([
        { host: "h", messageRequest: { case: "listServices" as const, value: "" } },
        {
          host: "h",
          messageRequest: {
            case: "fileContainingSymbol" as const,
            value: "notification.v1.NotificationService",
          },
        },
      ]),
    )) {
      answers.push(answer);
    }
    expect(answers[0]?.$typeName).toBe("grpc.reflection.v1alpha.ServerReflectionResponse");
    expect(answers[0]?.validHost).toBe("h");
    expect(answers[0]?.messageResponse.case).toBe("listServicesResponse");
    const files = answers[1]?.messageResponse;
    expect(files?.case).toBe("fileDescriptorResponse");
    if (files?.case === "fileDescriptorResponse") {
      const first = fromBinary(
        FileDescriptorProtoSchema,
        files.value.fileDescriptorProto[0] ?? new Uint8Array(),
      );
      expect(first.name).toBe("notification/v1/notification.proto");
    }
  });
});
