import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnsubscribeTokens } from "../../../src/auth/unsubscribe-token.js";
import {
  type ServiceUnderTest,
  startServiceUnderTest,
} from "../../../test/support/service-under-test.js";
import { Code, createNotificationClient } from "../src/index.js";
import { protocols } from "./protocols.js";

const secret = "a client test secret of at least 32 bytes";
let sut: ServiceUnderTest;
beforeAll(async () => {
  sut = await startServiceUnderTest("embedded", {
    preferences: { critical_categories: ["security"] },
    email: { unsubscribe_secret: secret },
  });
});
afterAll(async () => {
  await sut.close();
});

describe.each(protocols)("preferences over %s", (name, options) => {
  const user = (what: string) => `${what}-${name}`;

  it("updates, reads back and applies them: a muted create answers undefined", async () => {
    const client = createNotificationClient(sut.baseUrl, options);
    const stored = await client.updatePreferences(user("ann"), {
      categories: { promo: { inApp: false } },
      email: { address: "ann@example.com", digest: "daily", time: "08:15", timeZone: "Asia/Tokyo" },
    });
    expect(stored.email).toMatchObject({ digest: "daily", time: "08:15", weekday: "monday" });
    const read = await client.getPreferences(user("ann"));
    expect(read.preferences).toEqual(stored);
    expect(read.criticalCategories).toEqual(["security"]);
    expect(
      await client.createNotification(user("ann"), { category: "promo", message: "sale" }),
    ).toBeUndefined();
    const kept = await client.createNotification(user("ann"), { category: "news", message: "hi" });
    expect(kept?.category).toBe("news");
  });

  it("a bad field is INVALID_ARGUMENT naming it", async () => {
    const client = createNotificationClient(sut.baseUrl, options);
    await expect(
      client.updatePreferences(user("bob"), { categories: { security: { inApp: false } } }),
    ).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: expect.stringMatching(/^preferences\.categories\["security"\]\.in_app /),
    });
  });

  it("unsubscribes with a digest link's token", async () => {
    const client = createNotificationClient(sut.baseUrl, options);
    await client.updatePreferences(user("cy"), {
      email: { address: "cy@example.com", digest: "weekly" },
    });
    const token = await createUnsubscribeTokens(secret).sign({
      username: user("cy"),
      address: "cy@example.com",
    });
    await client.unsubscribe(token);
    expect((await client.getPreferences(user("cy"))).preferences?.email?.digest).toBe("off");
    await expect(client.unsubscribe("forged")).rejects.toMatchObject({
      code: Code.InvalidArgument,
    });
  });
});
