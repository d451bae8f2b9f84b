import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnsubscribeTokens } from "../../src/auth/unsubscribe-token.js";
import type { PreferencesSchema } from "../../src/gen/notification/v1/preference_pb.js";
import { StreamReader } from "../streams/stream-reader.js";
import { testAppOptions } from "../support/module-options.js";
import { rejection } from "../support/rejection.js";
import { storeKinds } from "../support/service-under-test.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

const secret = "a test secret of at least thirty-two bytes";
const tokens = createUnsubscribeTokens(secret);
const critical = new Set(["security"]);

type PreferencesInit = MessageInitShape<typeof PreferencesSchema>;

const daily: PreferencesInit = {
  email: { address: "ann@example.com", digest: "daily", time: "07:30", timeZone: "europe/berlin" },
};

describe.each(storeKinds)("preferences on the %s store", (kind) => {
  let t: TestApp;
  let clock = Date.UTC(2026, 2, 2, 6);
  beforeAll(async () => {
    t = await createTestApp(
      { criticalCategories: critical, unsubscribeTokens: tokens, now: () => clock },
      kind,
    );
  });
  afterAll(async () => {
    await t.close();
  });

  it("a user who set nothing gets the defaults and the critical categories", async () => {
    const answer = await t.preferences.getPreferences({ username: "nobody" });
    expect(answer.criticalCategories).toEqual(["security"]);
    expect(answer.preferences?.categories).toEqual({});
    expect(answer.preferences?.email).toMatchObject({
      address: "",
      digest: "off",
      time: "09:00",
      weekday: "monday",
      timeZone: "UTC",
    });
  });

  it("an update is answered and read back with its defaults filled in, the zone canonical", async () => {
    const update = {
      categories: { promo: { inApp: false }, comment: { email: false } },
      ...daily,
    };
    const { preferences } = await t.preferences.updatePreferences({
      username: "ann",
      preferences: update,
    });
    expect(preferences?.email).toMatchObject({
      address: "ann@example.com",
      digest: "daily",
      time: "07:30",
      weekday: "monday",
      timeZone: "Europe/Berlin",
    });
    expect(preferences?.categories.promo).toMatchObject({ inApp: false, email: true });
    expect(preferences?.categories.comment).toMatchObject({ inApp: true, email: false });
    const read = await t.preferences.getPreferences({ username: "ann" });
    expect(read.preferences).toEqual(preferences);
  });

  it("an update replaces the whole record: what it leaves out is back to its default", async () => {
    await t.preferences.updatePreferences({ username: "cat", preferences: daily });
    await t.preferences.updatePreferences({ username: "cat", preferences: {} });
    const { preferences } = await t.preferences.getPreferences({ username: "cat" });
    expect(preferences?.email?.digest).toBe("off");
    expect(preferences?.email?.address).toBe("");
  });

  describe("every bad input is INVALID_ARGUMENT naming the field, and stores nothing", () => {
    const email = daily.email ?? {};
    const many = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`cat-${i}`, {}]));
    const cases: [string, string, PreferencesInit][] = [
      ["an unknown digest", "preferences.email.digest", { email: { ...email, digest: "hourly" } }],
      ["an hour past 23", "preferences.email.time", { email: { ...email, time: "24:00" } }],
      ["a one-digit hour", "preferences.email.time", { email: { ...email, time: "7:30" } }],
      ["minutes past 59", "preferences.email.time", { email: { ...email, time: "07:60" } }],
      ["a time without a colon", "preferences.email.time", { email: { ...email, time: "0730" } }],
      [
        "an unknown time zone",
        "preferences.email.time_zone",
        { email: { ...email, timeZone: "Mars/Olympus" } },
      ],
      [
        "a UTC offset for a zone",
        "preferences.email.time_zone",
        { email: { ...email, timeZone: "+01:00" } },
      ],
      [
        "an unknown weekday",
        "preferences.email.weekday",
        { email: { ...email, weekday: "funday" } },
      ],
      [
        "a capitalized weekday",
        "preferences.email.weekday",
        { email: { ...email, weekday: "Monday" } },
      ],
      [
        "a digest without an address",
        "preferences.email.address",
        { email: { ...email, address: "" } },
      ],
      [
        "an address that is not one",
        "preferences.email.address",
        { email: { ...email, address: "ann.example.com" } },
      ],
      [
        "two addresses",
        "preferences.email.address",
        { email: { ...email, address: "ann@example.com, bob@example.com" } },
      ],
      [
        "a header smuggled into the address",
        "preferences.email.address",
        { email: { ...email, address: "ann@example.com\r\nBcc: eve@example.com" } },
      ],
      [
        "a critical category muted in the inbox",
        'preferences.categories["security"].in_app',
        { categories: { security: { inApp: false } } },
      ],
      [
        "a critical category muted in digests",
        'preferences.categories["security"].email',
        { categories: { security: { email: false } } },
      ],
      ["a category too short", "preferences.categories", { categories: { ab: { inApp: false } } }],
      ["201 categories", "preferences.categories", { categories: many }],
    ];

    it.each(cases)("%s: %s", async (_what, field, preferences) => {
      const error = await rejection(() =>
        t.preferences.updatePreferences({ username: "dan", preferences }),
      );
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.rawMessage.startsWith(`${field} `)).toBe(true);
      const stored = await t.preferences.getPreferences({ username: "dan" });
      expect(stored.preferences?.email?.digest).toBe("off");
      expect(stored.preferences?.categories).toEqual({});
    });

    it("a bad username, on every method", async () => {
      for (const call of [
        () => t.preferences.getPreferences({ username: "a b" }),
        () => t.preferences.updatePreferences({ username: "", preferences: daily }),
      ]) {
        const error = await rejection(call);
        expect(error.code).toBe(Code.InvalidArgument);
        expect(error.rawMessage).toMatch(/^username must be/);
      }
    });
  });

  describe("unsubscribe", () => {
    it("a token of a digest's link turns that user's digests off and keeps the rest", async () => {
      await t.preferences.updatePreferences({
        username: "eve",
        preferences: { ...daily, categories: { promo: { inApp: false } } },
      });
      const token = await tokens.sign({ username: "eve", address: "ann@example.com" });
      await t.preferences.unsubscribe({ token });
      const { preferences } = await t.preferences.getPreferences({ username: "eve" });
      expect(preferences?.email).toMatchObject({ digest: "off", address: "ann@example.com" });
      expect(preferences?.categories.promo?.inApp).toBe(false);
      // Once more: still off, still a success.
      await t.preferences.unsubscribe({ token });
    });

    it("a token sent to an address the user no longer uses leaves the digests on", async () => {
      await t.preferences.updatePreferences({ username: "fay", preferences: daily });
      const old = await tokens.sign({ username: "fay", address: "old@example.com" });
      await t.preferences.unsubscribe({ token: old });
      const { preferences } = await t.preferences.getPreferences({ username: "fay" });
      expect(preferences?.email?.digest).toBe("daily");
    });

    it.each([
      ["no token", "", /^token is required/],
      ["text that is no token", "not-a-token", /^token is not a valid unsubscribe token/],
      ["a token signed with another key", "other", /^token is not a valid unsubscribe token/],
    ])("%s is INVALID_ARGUMENT naming token", async (_what, given, message) => {
      const token =
        given === "other"
          ? await createUnsubscribeTokens("another secret, also thirty-two bytes").sign({
              username: "fay",
              address: "ann@example.com",
            })
          : given;
      const error = await rejection(() => t.preferences.unsubscribe({ token }));
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.rawMessage).toMatch(message);
    });
  });

  describe("muting in the create path", () => {
    it("a muted category is neither stored nor streamed; a critical one always is", async () => {
      await t.preferences.updatePreferences({
        username: "gus",
        preferences: { categories: { promo: { inApp: false } } },
      });
      const stream = StreamReader.open(t.transport, { username: "gus" });
      await stream.live();
      const muted = await t.notifications.createNotification({
        username: "gus",
        category: "promo",
        message: "50% off",
      });
      expect(muted.suppressed).toBe(true);
      expect(muted.notification).toBeUndefined();
      const kept = await t.notifications.createNotification({
        username: "gus",
        category: "security",
        message: "new sign-in",
      });
      expect(kept.suppressed).toBe(false);
      await stream.until((r) => r.notifications().length > 0, "the security notification");
      expect(stream.notifications().map((n) => n.category)).toEqual(["security"]);
      await stream.cancel();
      const { notifications } = await t.notifications.listNotifications({ username: "gus" });
      expect(notifications.map((n) => n.category)).toEqual(["security"]);
    });

    it("unmuting applies at once on the instance that took it", async () => {
      await t.preferences.updatePreferences({
        username: "hal",
        preferences: { categories: { promo: { inApp: false } } },
      });
      const create = () =>
        t.notifications.createNotification({ username: "hal", category: "promo", message: "m" });
      expect((await create()).suppressed).toBe(true);
      await t.preferences.updatePreferences({ username: "hal", preferences: {} });
      expect((await create()).notification?.category).toBe("promo");
    });

    it("another instance applies a change once its cache is preferences.cache_ms old", async () => {
      const other = t.sibling({ criticalCategories: critical, now: () => clock });
      const create = () =>
        other.notifications.createNotification({
          username: "ivy",
          category: "promo",
          message: "m",
        });
      // The other instance reads, and caches, ivy's defaults.
      expect((await create()).suppressed).toBe(false);
      await t.preferences.updatePreferences({
        username: "ivy",
        preferences: { categories: { promo: { inApp: false } } },
      });
      expect((await create()).suppressed).toBe(false);
      clock += testAppOptions().preferenceCache.ttlMs;
      expect((await create()).suppressed).toBe(true);
      await other.close();
    });
  });
});
