import { describe, expect, it } from "vitest";
import { type Access, accessPolicy, denialOf } from "../../src/auth/access-policy.js";
import {
  adminScope,
  type Principal,
  unauthenticatedPrincipal,
  writeScope,
} from "../../src/auth/principal.js";

const principal = (user: string | undefined, ...scopes: string[]): Principal => ({
  user,
  scopes: new Set(scopes),
  expiresAt: Date.now() + 60_000,
});

const ann = principal("ann");
const producer = principal("billing", writeScope);
const operator = principal("ops", adminScope);
const anonymousProducer = principal(undefined, writeScope);

const row = (method: string): Access => {
  const access = accessPolicy[`notification.v1.${method}`];
  if (!access) throw new Error(`no row for ${method}`);
  return access;
};

describe("access policy", () => {
  const cases: [string, string, Principal, unknown, RegExp | undefined][] = [
    [
      "a user lists its own inbox",
      "NotificationService/ListNotifications",
      ann,
      { username: "ann" },
      undefined,
    ],
    [
      "a user lists another's",
      "NotificationService/ListNotifications",
      ann,
      { username: "bob" },
      /ListNotifications names another user/,
    ],
    [
      "a user deletes its own",
      "NotificationService/DeleteNotifications",
      ann,
      { username: "ann" },
      undefined,
    ],
    [
      "a user deletes another's",
      "NotificationService/DeleteNotifications",
      ann,
      { username: "bob" },
      /another user/,
    ],
    [
      "a user subscribes to its own",
      "StreamService/Subscribe",
      ann,
      { username: "ann" },
      undefined,
    ],
    [
      "a user subscribes to another's",
      "StreamService/Subscribe",
      ann,
      { username: "bob" },
      /Subscribe names another user/,
    ],
    [
      "a user creates, even for itself",
      "NotificationService/CreateNotification",
      ann,
      { username: "ann" },
      /CreateNotification needs scope notifications:write or notifications:admin/,
    ],
    [
      "a user puts a rule",
      "RuleService/PutRule",
      ann,
      {},
      /PutRule needs scope notifications:admin/,
    ],
    [
      "a user lists rules",
      "RuleService/ListRules",
      ann,
      {},
      /ListRules needs scope notifications:admin/,
    ],
    [
      "a producer creates for anyone",
      "NotificationService/CreateNotification",
      producer,
      { username: "bob" },
      undefined,
    ],
    [
      "a producer reads an inbox",
      "NotificationService/ListNotifications",
      producer,
      { username: "bob" },
      /another user/,
    ],
    [
      "a producer puts a rule",
      "RuleService/PutRule",
      producer,
      {},
      /needs scope notifications:admin/,
    ],
    [
      "a token without a user lists",
      "NotificationService/ListNotifications",
      anonymousProducer,
      { username: "" },
      /this token names no user/,
    ],
    [
      "an operator lists anyone's",
      "NotificationService/ListNotifications",
      operator,
      { username: "bob" },
      undefined,
    ],
    [
      "an operator creates",
      "NotificationService/CreateNotification",
      operator,
      { username: "bob" },
      undefined,
    ],
    ["an operator deletes a rule", "RuleService/DeleteRule", operator, {}, undefined],
    ["auth.mode none: anything", "RuleService/PutRule", unauthenticatedPrincipal, {}, undefined],
  ];
  for (const [name, method, who, request, denial] of cases) {
    it(`${name}: ${denial ? "denied" : "allowed"}`, () => {
      const result = denialOf(row(method), who, method.split("/")[1] ?? "", request);
      if (denial) expect(result).toMatch(denial);
      else expect(result).toBeUndefined();
    });
  }

  it("never names the users in a denial", () => {
    const result = denialOf(row("StreamService/Subscribe"), ann, "Subscribe", { username: "bob" });
    expect(result).not.toMatch(/\bann\b|\bbob\b/);
  });

  it("keeps health and reflection open", () => {
    for (const method of [
      "grpc.health.v1.Health/Check",
      "grpc.health.v1.Health/Watch",
      "grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
      "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
    ]) {
      expect(accessPolicy[method]).toEqual({ kind: "public" });
    }
  });
});
