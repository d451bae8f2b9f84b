import { create, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessPolicy } from "../../src/auth/access-policy.js";
import { assertPolicyCovers } from "../../src/auth/auth-interceptor.js";
import {
  ServerReflection,
  ServerReflectionRequestSchema,
} from "../../src/gen/grpc/reflection/v1/reflection_pb.js";
import type { ServiceUnderTest } from "../support/service-under-test.js";
import { authConfig, startAuthService, storageCalls } from "./auth-service.js";
import { testSecret } from "./token-factory.js";

interface Method {
  readonly path: string;
  readonly streaming: boolean;
}

/** Every method of every service the running server registers, as its reflection tells. */
async function registeredMethods(baseUrl: string): Promise<Method[]> {
  const client = createClient(ServerReflection, createGrpcTransport({ baseUrl }));
  const ask = async (messageRequest: never) => {
    const request = create(ServerReflectionRequestSchema, { host: "", messageRequest });
    for await (const answer of client.serverReflectionInfo(once(request))) return answer;
    throw new Error("reflection answered nothing");
  };
  const list = await ask({ case: "listServices", value: "" } as never);
  if (list.messageResponse.case !== "listServicesResponse") throw new Error("no service list");
  const methods: Method[] = [];
  for (const { name } of list.messageResponse.value.service) {
    const files = await ask({ case: "fileContainingSymbol", value: name } as never);
    if (files.messageResponse.case !== "fileDescriptorResponse")
      throw new Error(`no file of ${name}`);
    for (const bytes of files.messageResponse.value.fileDescriptorProto) {
      const file = fromBinary(FileDescriptorProtoSchema, bytes);
      for (const service of file.service) {
        if (`${file.package}.${service.name}` !== name) continue;
        for (const method of service.method) {
          methods.push({
            path: `${name}/${method.name}`,
            streaming: method.clientStreaming || method.serverStreaming,
          });
        }
      }
    }
  }
  return methods;
}

async function* once<T>(item: T): AsyncIterable<T> {
  yield item;
}

/** Calls a method over Connect JSON with an empty request and no token; the error code, or "ok". */
async function callWithoutToken(baseUrl: string, method: Method): Promise<string> {
  const body = Buffer.from("{}");
  if (!method.streaming) {
    const response = await fetch(`${baseUrl}/${method.path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    if (response.status === 200) return "ok";
    return ((await response.json()) as { code: string }).code;
  }
  const envelope = Buffer.alloc(5 + body.length);
  envelope.writeUInt32BE(body.length, 1);
  body.copy(envelope, 5);
  const response = await fetch(`${baseUrl}/${method.path}`, {
    method: "POST",
    headers: { "content-type": "application/connect+json" },
    body: envelope,
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  // The last envelope ends the stream and carries the error, if any.
  let at = 0;
  let last = { flags: 0, data: Buffer.alloc(0) };
  while (at + 5 <= bytes.length) {
    const length = bytes.readUInt32BE(at + 1);
    last = { flags: bytes[at] ?? 0, data: bytes.subarray(at + 5, at + 5 + length) };
    at += 5 + length;
  }
  const end = JSON.parse(last.data.toString() || "{}") as { error?: { code: string } };
  return end.error?.code ?? "ok";
}

describe("no method can forget the authorization check", () => {
  let sut: ServiceUnderTest;
  let methods: Method[];
  beforeAll(async () => {
    sut = await startAuthService(authConfig({ mode: "jwt", jwt: { secret: testSecret } }));
    methods = await registeredMethods(sut.baseUrl);
  });
  afterAll(async () => {
    await sut.close();
  });

  it("finds the services through reflection", () => {
    const paths = methods.map((m) => m.path);
    expect(paths).toContain("notification.v1.NotificationService/CreateNotification");
    expect(paths).toContain("notification.v1.StreamService/Subscribe");
    expect(paths).toContain("notification.v1.RuleService/PutRule");
    expect(paths).toContain("notification.v1.PreferenceService/UpdatePreferences");
    expect(paths).toContain("grpc.health.v1.Health/Check");
  });

  it("has a row in the access table for every registered method", () => {
    expect(methods.filter((m) => accessPolicy[m.path] === undefined)).toEqual([]);
  });

  it("keeps only health, reflection and Unsubscribe public", () => {
    const open = methods.filter((m) => accessPolicy[m.path]?.kind === "public");
    for (const method of open) {
      expect(method.path).toMatch(
        /^(grpc\.(health|reflection)\.|notification\.v1\.PreferenceService\/Unsubscribe$)/,
      );
    }
  });

  it("lets Unsubscribe through without a token: its signed token is the credential", async () => {
    const unsubscribe = methods.find(
      (m) => m.path === "notification.v1.PreferenceService/Unsubscribe",
    );
    expect(unsubscribe).toBeDefined();
    // The service itself answers: the request carries no unsubscribe token.
    expect(await callWithoutToken(sut.baseUrl, unsubscribe as Method)).toBe("invalid_argument");
  });

  it("refuses every other method without a token, touching no storage", async () => {
    const before = await storageCalls(sut);
    const guarded = methods.filter((m) => accessPolicy[m.path]?.kind !== "public");
    expect(guarded.length).toBeGreaterThanOrEqual(7);
    for (const method of guarded) {
      expect(await callWithoutToken(sut.baseUrl, method), method.path).toBe("unauthenticated");
    }
    expect(await storageCalls(sut)).toBe(before);
  });

  it("stops start-up when a method has no row", () => {
    expect(() =>
      assertPolicyCovers([
        "notification.v1.NotificationService/ListNotifications",
        "x.v1.New/Method",
      ]),
    ).toThrow("no access rule for x.v1.New/Method: add a row to src/auth/access-policy.ts");
  });
});
