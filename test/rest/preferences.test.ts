import { describe, expect, it } from "vitest";
import { createUnsubscribeTokens } from "../../src/auth/unsubscribe-token.js";
import { storeKinds } from "../support/service-under-test.js";
import { noStore, useRestService } from "./rest-client.js";

const secret = "a REST test secret of at least 32 bytes";
const email = {
  address: "ann@example.com",
  digest: "weekly",
  time: "18:00",
  weekday: "friday",
  time_zone: "America/New_York",
};

// Contract §10 over REST: GET/PUT /v1/users/{username}/preferences, POST /v1/unsubscribe.
describe.each(storeKinds)("REST preferences (%s store)", (kind) => {
  const { rest } = useRestService(
    kind,
    {},
    { preferences: { critical_categories: ["security"] }, email: { unsubscribe_secret: secret } },
  );

  it("GET answers the defaults and the critical categories, never cached", async () => {
    const res = await rest.get("/v1/users/ann/preferences");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe(noStore);
    expect(res.body).toEqual({
      preferences: {
        email: { digest: "off", time: "09:00", weekday: "monday", time_zone: "UTC" },
      },
      critical_categories: ["security"],
    });
  });

  it("PUT takes the preferences as the body and answers them; GET reads them back", async () => {
    const body = { email, categories: { promo: { in_app: false } } };
    const res = await rest.put("/v1/users/ann/preferences", body);
    expect(res.status, res.text).toBe(200);
    const expected = { email, categories: { promo: { in_app: false, email: true } } };
    expect(res.body).toEqual({ preferences: expected });
    expect((await rest.get("/v1/users/ann/preferences")).body.preferences).toEqual(expected);
  });

  it.each([
    ["preferences.email.digest", { ...email, digest: "hourly" }],
    ["preferences.email.time", { ...email, time: "6pm" }],
    ["preferences.email.time_zone", { ...email, time_zone: "Eastern" }],
    ["preferences.email.weekday", { ...email, weekday: "fri" }],
    ["preferences.email.address", { ...email, address: "" }],
  ])("a bad %s is 400 naming it", async (field, bad) => {
    const res = await rest.put("/v1/users/bob/preferences", { email: bad });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(400);
    expect(res.body.message.startsWith(`${field} `)).toBe(true);
  });

  it("muting a critical category is 400 naming it", async () => {
    const res = await rest.put("/v1/users/bob/preferences", {
      categories: { security: { in_app: false } },
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(
      /^preferences\.categories\["security"\]\.in_app cannot be false/,
    );
  });

  it("a body field the message does not have is 400 naming it", async () => {
    const res = await rest.put("/v1/users/bob/preferences", { emails: {} });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/"emails" is unknown/);
  });

  it("a create the user muted answers 200 {suppressed: true}, no Location; a critical one 201", async () => {
    await rest.put("/v1/users/cy/preferences", {
      categories: { promo: { in_app: false } },
    });
    const muted = await rest.post("/v1/notifications/cy", { category: "promo", message: "sale" });
    expect(muted.status).toBe(200);
    expect(muted.body).toEqual({ suppressed: true });
    expect(muted.headers.get("location")).toBeNull();
    const critical = await rest.post("/v1/notifications/cy", {
      category: "security",
      message: "new sign-in",
    });
    expect(critical.status).toBe(201);
    expect(critical.headers.get("location")).toBe("/v1/notifications/cy");
    expect(
      (await rest.get("/v1/notifications/cy")).body.map((n: { category: string }) => n.category),
    ).toEqual(["security"]);
  });

  it("POST /v1/unsubscribe?token= as a mail client sends it (RFC 8058) turns digests off: 204", async () => {
    await rest.put("/v1/users/dee/preferences", {
      email: { ...email, address: "dee@example.com" },
    });
    const token = await createUnsubscribeTokens(secret).sign({
      username: "dee",
      address: "dee@example.com",
    });
    const res = await rest.send("POST", `/v1/unsubscribe?token=${token}`, {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(res.status, res.text).toBe(204);
    const { preferences } = (await rest.get("/v1/users/dee/preferences")).body;
    expect(preferences.email.digest).toBe("off");
  });

  it.each([
    ["/v1/unsubscribe", /^token is required/],
    ["/v1/unsubscribe?token=forged.token.here", /^token is not a valid unsubscribe token/],
  ])("POST %s is 400 naming token", async (path, message) => {
    const res = await rest.send("POST", path, { body: "List-Unsubscribe=One-Click" });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });

  it("GET of an unsubscribe link changes nothing: 405, POST only (link scanners follow GETs)", async () => {
    const res = await rest.get("/v1/unsubscribe?token=x");
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });
});
