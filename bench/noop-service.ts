import { create, createFileRegistry } from "@bufbuild/protobuf";
import type { GenService } from "@bufbuild/protobuf/codegenv2";
import {
  type EmptySchema,
  FileDescriptorProtoSchema,
  file_google_protobuf_empty,
  MethodDescriptorProtoSchema,
  ServiceDescriptorProtoSchema,
} from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";

// bench.v1.BenchService/Noop(google.protobuf.Empty) returns (google.protobuf.Empty),
// described at run time: a bench-only service needs no .proto, no `buf generate`
// and nothing under src/gen.
const file = create(FileDescriptorProtoSchema, {
  name: "bench/v1/bench.proto",
  package: "bench.v1",
  syntax: "proto3",
  dependency: ["google/protobuf/empty.proto"],
  service: [
    create(ServiceDescriptorProtoSchema, {
      name: "BenchService",
      method: [
        create(MethodDescriptorProtoSchema, {
          name: "Noop",
          inputType: ".google.protobuf.Empty",
          outputType: ".google.protobuf.Empty",
        }),
      ],
    }),
  ],
});

/** The bench-only service: one unary method that does nothing, the floor of every figure. */
export const BenchService = createFileRegistry(file, (name) =>
  name === file_google_protobuf_empty.proto.name ? file_google_protobuf_empty : undefined,
).getService("bench.v1.BenchService") as GenService<{
  noop: { methodKind: "unary"; input: typeof EmptySchema; output: typeof EmptySchema };
}>;

/** Its implementation: answers an empty message at once. */
export const noopImpl: ServiceImpl<typeof BenchService> = {
  noop: () => ({}),
};
