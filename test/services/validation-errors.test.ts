import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rejection } from "../support/rejection.js";
import { storeKinds } from "../support/service-under-test.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

describe.each(storeKinds)("%s store", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, kind);
  });
  afterAll(async () => {
    await t.close();
  });

  const ok = { username: "ann", category: "like", message: "hello" };
  const manyProperties = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, "v"]));

  describe("every bad input answers INVALID_ARGUMENT naming the field, and writes nothing", () => {
    const cases: [string, string, () => Promise<unknown>][] = [
      [
        "empty username",
        "username",
        () => t.notifications.createNotification({ ...ok, username: "" }),
      ],
      [
        "username with a space",
        "username",
        () => t.notifications.createNotification({ ...ok, username: "a n" }),
      ],
      [
        "username of 129",
        "username",
        () => t.notifications.createNotification({ ...ok, username: "u".repeat(129) }),
      ],
      [
        "category of 2",
        "category",
        () => t.notifications.createNotification({ ...ok, category: "ab" }),
      ],
      [
        "category of 21",
        "category",
        () => t.notifications.createNotification({ ...ok, category: "c".repeat(21) }),
      ],
      [
        "missing category",
        "category",
        () => t.notifications.createNotification({ ...ok, category: "" }),
      ],
      [
        "missing message",
        "message",
        () => t.notifications.createNotification({ ...ok, message: "" }),
      ],
      [
        "message of 256",
        "message",
        () => t.notifications.createNotification({ ...ok, message: "m".repeat(256) }),
      ],
      [
        "33 properties",
        "properties",
        () => t.notifications.createNotification({ ...ok, properties: manyProperties }),
      ],
      [
        "empty property key",
        "properties",
        () => t.notifications.createNotification({ ...ok, properties: { "": "v" } }),
      ],
      [
        "property key of 65",
        "properties",
        () => t.notifications.createNotification({ ...ok, properties: { ["k".repeat(65)]: "v" } }),
      ],
      [
        "property value of 1025",
        "properties",
        () => t.notifications.createNotification({ ...ok, properties: { k: "v".repeat(1025) } }),
      ],
      [
        "list: bad username",
        "username",
        () => t.notifications.listNotifications({ username: "bad name" }),
      ],
      [
        "negative page_size",
        "page_size",
        () => t.notifications.listNotifications({ username: "ann", pageSize: -1 }),
      ],
      [
        "forged page_token",
        "page_token",
        () => t.notifications.listNotifications({ username: "ann", pageToken: "abc" }),
      ],
      [
        "delete: bad username",
        "username",
        () => t.notifications.deleteNotifications({ username: "", all: true }),
      ],
      [
        "delete: no ids and no all",
        "ids",
        () => t.notifications.deleteNotifications({ username: "ann", ids: [] }),
      ],
      [
        "delete: ids and all",
        "ids",
        () => t.notifications.deleteNotifications({ username: "ann", ids: ["x"], all: true }),
      ],
      [
        "delete: 1001 ids",
        "ids",
        () =>
          t.notifications.deleteNotifications({
            username: "ann",
            ids: Array.from({ length: 1001 }, (_, i) => `${i}`),
          }),
      ],
      [
        "rule: category of 2",
        "category",
        () => t.rules.putRule({ category: "ab", rule: { maxSize: 2 } }),
      ],
      ["rule: no rule", "Rule must contain", () => t.rules.putRule({ category: "like" })],
      [
        "rule: no field",
        "Rule must contain",
        () => t.rules.putRule({ category: "like", rule: {} }),
      ],
      [
        "rule: only an empty match_on",
        "Rule must contain",
        () => t.rules.putRule({ category: "like", rule: { matchOn: "" } }),
      ],
      [
        "rule: max_size 0",
        "max_size",
        () => t.rules.putRule({ category: "like", rule: { maxSize: 0 } }),
      ],
      [
        "rule: bad duration",
        "max_duration",
        () => t.rules.putRule({ category: "like", rule: { maxDuration: "3 lightyears" } }),
      ],
      [
        "rule: empty duration",
        "max_duration",
        () => t.rules.putRule({ category: "like", rule: { maxDuration: "" } }),
      ],
      [
        "delete rule: category of 21",
        "category",
        () => t.rules.deleteRule({ category: "c".repeat(21) }),
      ],
    ];

    it.each(cases)("%s", async (_name, field, call) => {
      const error = await rejection(call);
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.rawMessage.startsWith(field)).toBe(true);
    });

    it("none of them wrote anything", async () => {
      expect((await t.notifications.listNotifications({ username: "ann" })).notifications).toEqual(
        [],
      );
      expect((await t.rules.listRules({})).rules).toEqual({});
    });
  });
});
