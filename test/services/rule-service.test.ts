import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { storeKinds } from "../support/service-under-test.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

describe.each(storeKinds)("%s store", (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({}, kind);
  });
  afterEach(async () => {
    await t.close();
  });

  describe("RuleService", () => {
    it("lists no rules as an empty map", async () => {
      expect((await t.rules.listRules({})).rules).toEqual({});
    });

    it("stores a rule with its duration in canonical form (A9), and a PUT replaces it", async () => {
      await t.rules.putRule({ category: "like", rule: { maxDuration: "3h" } });
      let rules = (await t.rules.listRules({})).rules;
      expect(rules.like?.maxDuration).toBe("3 hours");
      expect(rules.like?.maxSize).toBeUndefined();
      await t.rules.putRule({ category: "like", rule: { maxSize: 2 } });
      rules = (await t.rules.listRules({})).rules;
      expect(rules.like?.maxSize).toBe(2);
      expect(rules.like?.maxDuration).toBeUndefined();
    });

    it("deletes a rule; deleting an absent rule succeeds", async () => {
      await t.rules.putRule({ category: "like", rule: { maxSize: 2, matchOn: "post" } });
      await t.rules.putRule({ category: "new-follower", rule: { maxSize: 9 } });
      await t.rules.deleteRule({ category: "like" });
      await t.rules.deleteRule({ category: "never-was" });
      expect(Object.keys((await t.rules.listRules({})).rules)).toEqual(["new-follower"]);
    });

    it("is used at once by the instance that took it, and by another within the refresh interval", async () => {
      let now = Date.now();
      const clock = () => now;
      const a = t.sibling({ now: clock, ruleRefreshMs: 10_000 });
      const b = t.sibling({ now: clock, ruleRefreshMs: 10_000 });
      for (let i = 0; i < 3; i++) {
        await a.notifications.createNotification({
          username: "ann",
          category: "like",
          message: "m",
        });
      }
      const count = async (client: TestApp) =>
        (await client.notifications.listNotifications({ username: "ann" })).notifications.length;
      expect(await count(b)).toBe(3);
      await a.rules.putRule({ category: "like", rule: { maxSize: 10 } });
      expect(await count(a)).toBe(1);
      expect(await count(b)).toBe(3);
      now += 10_001;
      expect(await count(b)).toBe(1);
    });
  });
});
