import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DenialReason } from "../../src/auth/auth-failure.js";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { RuleService } from "../../src/gen/notification/v1/rule_pb.js";
import { StreamService } from "../../src/gen/notification/v1/stream_pb.js";
import { sample } from "../operability/metrics-text.js";
import { captureLogs, type LogLine } from "../support/log-capture.js";
import type { ServiceUnderTest } from "../support/service-under-test.js";
import {
  authConfig,
  bearer,
  type RpcProtocol,
  rpcProtocols,
  startAuthService,
  storageCalls,
} from "./auth-service.js";
import {
  keyDirectory,
  keyPair,
  signToken,
  type TestKeyPair,
  unsignedToken,
} from "./token-factory.js";

type Call = "list own" | "list other" | "create" | "put rule" | "subscribe own" | "subscribe other";

interface Denial {
  readonly name: string;
  /** A key of `tokens`, or undefined for no token at all. */
  readonly token: string | undefined;
  readonly call: Call;
  readonly code: Code.Unauthenticated | Code.PermissionDenied;
  readonly reason: DenialReason;
  readonly message: RegExp;
}

const unauthenticated = (
  name: string,
  token: string | undefined,
  reason: DenialReason,
  message: RegExp,
  call: Call = "list own",
): Denial => ({ name, token, call, code: Code.Unauthenticated, reason, message });
const forbidden = (name: string, call: Call, message: RegExp): Denial => ({
  name,
  token: "ann",
  call,
  code: Code.PermissionDenied,
  reason: "forbidden",
  message,
});

// Every denial of contract §8, on every protocol.
const denials: readonly Denial[] = [
  unauthenticated("no token", undefined, "missing", /no token: send Authorization: Bearer/),
  unauthenticated("no token on a stream", undefined, "missing", /no token/, "subscribe own"),
  unauthenticated("a malformed token", "malformed", "malformed", /not a signed JWT/),
  unauthenticated("another scheme", "basic", "malformed", /must be "Bearer <token>"/),
  unauthenticated("an expired token", "expired", "expired", /expired/),
  unauthenticated("an expired token on a stream", "expired", "expired", /expired/, "subscribe own"),
  unauthenticated("a token not yet valid", "notYetValid", "not_yet_valid", /not valid yet/),
  unauthenticated("a bad signature", "badSignature", "bad_signature", /signature does not verify/),
  unauthenticated(
    "a wrong issuer",
    "wrongIssuer",
    "wrong_issuer",
    /iss is not the configured issuer/,
  ),
  unauthenticated("a wrong audience", "wrongAudience", "wrong_audience", /aud does not include/),
  unauthenticated(
    "a disallowed algorithm",
    "ps256",
    "algorithm_not_allowed",
    /"PS256" is not allowed/,
  ),
  unauthenticated(
    "HS/RS key confusion",
    "confused",
    "algorithm_not_allowed",
    /"HS256" is not allowed/,
  ),
  unauthenticated("alg none", "none", "algorithm_not_allowed", /"none" is not allowed/),
  unauthenticated("no exp", "noExp", "missing_claim", /no exp claim/),
  unauthenticated("an unknown kid", "unknownKid", "unknown_kid", /matches the token's kid/),
  forbidden("another user's inbox", "list other", /ListNotifications names another user/),
  forbidden("another user's stream", "subscribe other", /Subscribe names another user/),
  forbidden(
    "a user calling a producer RPC",
    "create",
    /CreateNotification needs scope notifications:write/,
  ),
  forbidden("a user calling an admin RPC", "put rule", /PutRule needs scope notifications:admin/),
];

describe("every denial on every protocol: the right code, nothing read or written, no token logged", () => {
  let sut: ServiceUnderTest;
  let keys: Awaited<ReturnType<typeof keyDirectory>>;
  let lines: LogLine[];
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    keys = await keyDirectory();
    const ours = await keyPair("rsa", "rsa-1");
    const theirs: TestKeyPair = await keyPair("rsa");
    const jwksFile = await keys.write("jwks.json", JSON.stringify({ keys: [ours.jwk] }));
    const claims = { iss: "https://id.test", aud: "inbox" };
    const rs = (extra: object, spec: object = {}) =>
      signToken({
        alg: "RS256",
        kid: "rsa-1",
        key: ours.privateKey,
        claims: { ...claims, ...extra },
        ...spec,
      });
    Object.assign(tokens, {
      ann: await rs({ sub: "ann" }),
      admin: await rs({ sub: "ops", scope: "notifications:admin" }),
      malformed: "not-a-jwt",
      expired: await rs({ sub: "ann" }, { expiresIn: -120 }),
      notYetValid: await rs({ sub: "ann" }, { notBefore: 600 }),
      badSignature: await signToken({
        alg: "RS256",
        kid: "rsa-1",
        key: theirs.privateKey,
        claims: { ...claims, sub: "ann" },
      }),
      wrongIssuer: await rs({ sub: "ann", iss: "https://evil.test" }),
      wrongAudience: await rs({ sub: "ann", aud: "other-service" }),
      ps256: await signToken({
        alg: "PS256",
        kid: "rsa-1",
        key: ours.privateKey,
        claims: { ...claims, sub: "ann" },
      }),
      confused: await signToken({
        alg: "HS256",
        kid: "rsa-1",
        key: ours.publicPem,
        claims: { ...claims, sub: "ann" },
      }),
      none: unsignedToken({ ...claims, sub: "ann" }),
      noExp: await rs({ sub: "ann" }, { noExp: true }),
      unknownKid: await signToken({
        alg: "RS256",
        kid: "rsa-2",
        key: theirs.privateKey,
        claims: { ...claims, sub: "ann" },
      }),
    });
    const capture = captureLogs("debug");
    lines = capture.lines;
    sut = await startAuthService(
      authConfig({
        mode: "jwt",
        jwt: {
          jwks_file: jwksFile,
          algorithms: ["RS256"],
          issuer: "https://id.test",
          audience: "inbox",
          leeway_s: "0",
        },
      }),
      [],
      { logger: capture.logger },
    );
    // Something to read, for a denial to leak.
    const admin = createClient(NotificationService, rpcProtocols.gRPC(sut.baseUrl));
    await admin.createNotification(
      { username: "bob", category: "like", message: "for bob" },
      { headers: bearer(tokens.admin) },
    );
  });
  afterAll(async () => {
    await sut?.close();
    await keys?.close();
  });

  const headerOf = (denial: Denial): Record<string, string> => {
    if (denial.token === "basic") return { authorization: "Basic YW5uOnNlY3JldA==" };
    return bearer(denial.token === undefined ? undefined : tokens[denial.token]);
  };

  async function callRpc(protocol: RpcProtocol, denial: Denial): Promise<ConnectError | undefined> {
    const transport = rpcProtocols[protocol](sut.baseUrl);
    const options = { headers: headerOf(denial) };
    const notifications = createClient(NotificationService, transport);
    try {
      switch (denial.call) {
        case "list own":
          await notifications.listNotifications({ username: "ann" }, options);
          break;
        case "list other":
          await notifications.listNotifications({ username: "bob" }, options);
          break;
        case "create":
          await notifications.createNotification(
            { username: "ann", category: "like", message: "not allowed" },
            options,
          );
          break;
        case "put rule":
          await createClient(RuleService, transport).putRule(
            { category: "like", rule: { maxSize: 3 } },
            options,
          );
          break;
        case "subscribe own":
        case "subscribe other": {
          const username = denial.call === "subscribe own" ? "ann" : "bob";
          const stream = createClient(StreamService, transport).subscribe({ username }, options);
          for await (const _event of stream) break;
          break;
        }
      }
    } catch (error) {
      return ConnectError.from(error);
    }
    return undefined;
  }

  async function callRest(denial: Denial): Promise<{ status: number; message: string }> {
    const routes: Record<Call, [string, string, object | undefined]> = {
      "list own": ["GET", "/v1/notifications/ann", undefined],
      "list other": ["GET", "/v1/notifications/bob", undefined],
      create: ["POST", "/v1/notifications/ann", { category: "like", message: "not allowed" }],
      "put rule": ["PUT", "/v1/rules/like", { max_size: 3 }],
      "subscribe own": ["", "", undefined],
      "subscribe other": ["", "", undefined],
    };
    const [method, path, body] = routes[denial.call];
    const response = await fetch(`${sut.baseUrl}${path}`, {
      method,
      headers: { ...headerOf(denial), ...(body && { "content-type": "application/json" }) },
      ...(body && { body: JSON.stringify(body) }),
    });
    const json = (await response.json()) as { code: number; message: string };
    expect(json.code).toBe(response.status);
    return { status: response.status, message: json.message };
  }

  const tokenText = (denial: Denial) =>
    denial.token === undefined ? undefined : (tokens[denial.token] ?? denial.token);

  for (const protocol of Object.keys(rpcProtocols) as RpcProtocol[]) {
    for (const denial of denials) {
      it(`${protocol}: ${denial.name} is ${Code[denial.code]}`, async () => {
        const before = await storageCalls(sut);
        const error = await callRpc(protocol, denial);
        expect(error?.code).toBe(denial.code);
        expect(error?.rawMessage).toMatch(denial.message);
        const token = tokenText(denial);
        if (token && token.length > 12) expect(error?.rawMessage).not.toContain(token);
        expect(await storageCalls(sut)).toBe(before);
      });
    }
  }

  for (const denial of denials.filter((d) => !d.call.startsWith("subscribe"))) {
    const status = denial.code === Code.Unauthenticated ? 401 : 403;
    it(`REST: ${denial.name} is ${status}`, async () => {
      const before = await storageCalls(sut);
      const answer = await callRest(denial);
      expect(answer.status).toBe(status);
      expect(answer.message).toMatch(denial.message);
      expect(await storageCalls(sut)).toBe(before);
    });
  }

  it("lets the valid tokens through, on every protocol and REST", async () => {
    for (const protocol of Object.keys(rpcProtocols) as RpcProtocol[]) {
      const client = createClient(NotificationService, rpcProtocols[protocol](sut.baseUrl));
      const own = await client.listNotifications(
        { username: "ann" },
        { headers: bearer(tokens.ann) },
      );
      expect(own.notifications).toEqual([]);
      const bobs = await client.listNotifications(
        { username: "bob" },
        { headers: bearer(tokens.admin) },
      );
      expect(bobs.notifications.map((n) => n.message)).toEqual(["for bob"]);
    }
    const rest = await fetch(`${sut.baseUrl}/v1/notifications/ann`, {
      headers: bearer(tokens.ann),
    });
    expect(rest.status).toBe(200);
    expect(await rest.json()).toEqual([]);
  });

  it("wrote nothing for the denied calls: bob still has one notification and no rule exists", async () => {
    const admin = { headers: bearer(tokens.admin) };
    const transport = rpcProtocols.gRPC(sut.baseUrl);
    const ann = await createClient(NotificationService, transport).listNotifications(
      { username: "ann" },
      admin,
    );
    expect(ann.notifications).toEqual([]);
    const rules = await createClient(RuleService, transport).listRules({}, admin);
    expect(rules.rules).toEqual({});
  });

  it("counts denials by reason", async () => {
    const text = await sut.service.metrics.registry.metrics();
    const reasons = new Set(denials.map((d) => d.reason));
    for (const reason of reasons) {
      expect(
        sample(text, "notification_auth_denials_total", { reason }),
        `reason ${reason}`,
      ).toBeGreaterThan(0);
    }
  });

  it("never logs a token, while logging every denied call with its reason", () => {
    const text = JSON.stringify(lines);
    for (const token of Object.values(tokens)) {
      if (token.length < 12) continue;
      expect(text).not.toContain(token);
      // The payload and the signature, each of which identifies the token.
      for (const part of token.split(".").slice(1))
        if (part.length > 12) expect(text).not.toContain(part);
    }
    expect(text).not.toContain("YW5uOnNlY3JldA");
    const denied = lines.filter(
      (l) => l.code === "unauthenticated" || l.code === "permission_denied",
    );
    expect(denied.length).toBeGreaterThanOrEqual(denials.length * 3);
    expect(denied.every((l) => typeof l.error === "string")).toBe(true);
  });
});
