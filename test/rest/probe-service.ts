import {
  create,
  createFileRegistry,
  type DescMessage,
  type DescService,
  type MessageInitShape,
  setExtension,
} from "@bufbuild/protobuf";
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FileDescriptorProtoSchema,
  file_google_protobuf_timestamp,
  MethodOptionsSchema,
} from "@bufbuild/protobuf/wkt";
import { file_google_api_annotations, http } from "../../src/gen/google/api/annotations_pb.js";
import { HttpRuleSchema } from "../../src/gen/google/api/http_pb.js";

// A test-only service whose annotations use what our own protos do not:
// additional_bindings, `**`, dotted paths, `body: "field"`, response_body,
// verbs, custom methods, and request fields of every kind a query can set.
// Built in code, so the tests need no generated files of their own.

const optional = FieldDescriptorProto_Label.OPTIONAL;
const repeated = FieldDescriptorProto_Label.REPEATED;
const types = {
  double: FieldDescriptorProto_Type.DOUBLE,
  int64: FieldDescriptorProto_Type.INT64,
  uint32: FieldDescriptorProto_Type.UINT32,
  int32: FieldDescriptorProto_Type.INT32,
  bool: FieldDescriptorProto_Type.BOOL,
  string: FieldDescriptorProto_Type.STRING,
  message: FieldDescriptorProto_Type.MESSAGE,
  bytes: FieldDescriptorProto_Type.BYTES,
  enum: FieldDescriptorProto_Type.ENUM,
};

function field(
  name: string,
  number: number,
  kind: keyof typeof types,
  typeName = "",
  label = optional,
) {
  const jsonName = name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return { name, number, label, type: types[kind], typeName, jsonName };
}

/** A `google.api.http` rule, as a plain object. */
export type Rule = MessageInitShape<typeof HttpRuleSchema>;

/** A method of a probe service: Probe in, Probe out, with an optional annotation. */
export interface ProbeMethod {
  readonly name: string;
  readonly rule?: Rule;
  readonly streaming?: boolean;
}

function method({ name, rule, streaming = false }: ProbeMethod) {
  const options = create(MethodOptionsSchema);
  if (rule) setExtension(options, http, create(HttpRuleSchema, rule));
  return {
    name,
    inputType: ".test.rest.v1.Probe",
    outputType: ".test.rest.v1.Probe",
    options,
    serverStreaming: streaming,
  };
}

const standardMethods: ProbeMethod[] = [
  {
    name: "Echo",
    rule: {
      pattern: { case: "get", value: "/v1/probes/{text}" },
      additionalBindings: [
        { pattern: { case: "post", value: "/v1/probes:echo" }, body: "*" },
        {
          pattern: { case: "put", value: "/v1/probes/{text}/inner" },
          body: "inner",
          responseBody: "inner",
        },
      ],
    },
  },
  { name: "Me", rule: { pattern: { case: "get", value: "/v1/probes/me" } } },
  { name: "Files", rule: { pattern: { case: "get", value: "/v1/files/{text=**}" } } },
  { name: "Nested", rule: { pattern: { case: "get", value: "/v1/inner/{inner.name}/{small}" } } },
  { name: "Cancel", rule: { pattern: { case: "post", value: "/v1/probes/{text}:cancel" } } },
  {
    name: "Search",
    rule: {
      pattern: { case: "custom", value: { kind: "SEARCH", path: "/v1/probes" } },
      responseBody: "tags",
    },
  },
];

/**
 * Builds `test.rest.v1.ProbeService` with the given methods (by default,
 * the ones the transcoder tests use) and returns the service and `Probe`.
 */
export function buildProbeService(methods: readonly ProbeMethod[] = standardMethods): {
  service: DescService;
  probe: DescMessage;
} {
  const file = create(FileDescriptorProtoSchema, {
    name: "test/rest/v1/probe.proto",
    package: "test.rest.v1",
    syntax: "proto3",
    dependency: ["google/api/annotations.proto", "google/protobuf/timestamp.proto"],
    enumType: [
      {
        name: "Color",
        value: [
          { name: "COLOR_UNSPECIFIED", number: 0 },
          { name: "RED", number: 1 },
          { name: "GREEN", number: 2 },
        ],
      },
    ],
    messageType: [
      {
        name: "Inner",
        field: [field("name", 1, "string"), field("count", 2, "int32")],
      },
      {
        name: "Probe",
        field: [
          field("text", 1, "string"),
          field("flag", 2, "bool"),
          field("color", 3, "enum", ".test.rest.v1.Color"),
          field("tags", 4, "string", "", repeated),
          field("small", 5, "int32"),
          field("big", 6, "int64"),
          field("positive", 7, "uint32"),
          field("ratio", 8, "double"),
          field("inner", 9, "message", ".test.rest.v1.Inner"),
          field("labels", 10, "message", ".test.rest.v1.Probe.LabelsEntry", repeated),
          field("inners", 11, "message", ".test.rest.v1.Inner", repeated),
          field("colors", 12, "enum", ".test.rest.v1.Color", repeated),
          field("at", 13, "message", ".google.protobuf.Timestamp"),
          field("data", 14, "bytes"),
          field("page_size", 15, "int32"),
        ],
        nestedType: [
          {
            name: "LabelsEntry",
            field: [field("key", 1, "string"), field("value", 2, "string")],
            options: { mapEntry: true },
          },
        ],
      },
    ],
    service: [{ name: "ProbeService", method: methods.map(method) }],
  });
  const registry = createFileRegistry(file, (name) =>
    name === "google/api/annotations.proto"
      ? file_google_api_annotations
      : name === "google/protobuf/timestamp.proto"
        ? file_google_protobuf_timestamp
        : undefined,
  );
  return {
    service: need(registry.getService("test.rest.v1.ProbeService"), "ProbeService"),
    probe: need(registry.getMessage("test.rest.v1.Probe"), "Probe"),
  };
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`probe descriptor lacks ${what}`);
  return value;
}

const standard = buildProbeService();

/** `test.rest.v1.Probe`: one field of every kind a REST request can set. */
export const ProbeSchema: DescMessage = standard.probe;

/** `test.rest.v1.ProbeService`: unary methods that echo their request. */
export const ProbeService: DescService = standard.service;
