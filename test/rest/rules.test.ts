import { describe, expect, it } from "vitest";
import { storeKinds } from "../support/service-under-test.js";
import { type RestNotification, topIds, useRestService } from "./rest-client.js";

const emptyRule = "Rule must contain at least one of: max_size, max_duration, or match_on";
const hour = 3_600_000;

// Contract §3.4, and the predecessor's acceptance cases A9 to A11.
describe.each(storeKinds)("REST rules (%s store)", (kind) => {
  // A clock the tests move, so rollups by duration are exact.
  let clock = Date.parse("2026-03-01T12:00:00.000Z");
  const { rest } = useRestService(kind, { now: () => clock });

  it("GET /v1/rules answers {} when there are none", async () => {
    const res = await rest.get("/v1/rules");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
  });

  it("A9: max_duration comes back canonical; a PUT replaces the whole rule", async () => {
    expect((await rest.put("/v1/rules/like", { max_duration: "3h" })).status).toBe(204);
    expect((await rest.get("/v1/rules")).body.like).toEqual({ max_duration: "3 hours" });
    expect((await rest.put("/v1/rules/like", { max_size: 2 })).status).toBe(204);
    expect((await rest.get("/v1/rules")).body.like).toEqual({ max_size: 2 });
    for (const [sent, canonical] of [
      ["3m", "3 minutes"],
      ["1h", "1 hour"],
      ["500ms", "500 milliseconds"],
      ["12hours", "12 hours"],
      ["2 d", "2 days"],
    ]) {
      await rest.put("/v1/rules/durations", { max_duration: sent });
      expect((await rest.get("/v1/rules")).body.durations).toEqual({ max_duration: canonical });
    }
    expect((await rest.delete("/v1/rules/durations")).status).toBe(204);
    expect((await rest.delete("/v1/rules/durations")).status).toBe(204);
    expect((await rest.get("/v1/rules")).body).not.toHaveProperty("durations");
  });

  it("A10: a rule with no field is refused with the exact message, and nothing is written", async () => {
    for (const body of [{}, { match_on: "" }]) {
      const res = await rest.put("/v1/rules/empty-rule", body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ code: 400, message: emptyRule });
    }
    expect((await rest.get("/v1/rules")).body).not.toHaveProperty("empty-rule");
  });

  it.each([
    [{ max_size: 0 }, "max_size must be at least 1"],
    [{ max_size: -3 }, "max_size must be at least 1"],
    [{ max_size: 1.5 }, "max_size"],
    [{ max_duration: "3 lightyears" }, 'max_duration "3 lightyears" is not a duration: use'],
    [{ max_duration: "test" }, "max_duration"],
    [{ max_duration: "" }, "max_duration"],
    [{ max_duration: "3 Hours" }, "max_duration"],
    [{ match_on: 5 }, "match_on"],
  ])("refuses %j naming the field", async (body, message) => {
    const res = await rest.put("/v1/rules/bad-rule", body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(400);
    expect(res.body.message).toContain(message);
    expect((await rest.get("/v1/rules")).body).not.toHaveProperty("bad-rule");
  });

  it("refuses a category outside 3 to 20 characters on PUT and DELETE", async () => {
    for (const category of ["ab", "c".repeat(21)]) {
      const put = await rest.put(`/v1/rules/${category}`, { max_size: 2 });
      expect(put.status).toBe(400);
      expect(put.body.message).toMatch(/^category must be 3 to 20 characters/);
      expect((await rest.delete(`/v1/rules/${category}`)).status).toBe(400);
    }
  });

  it("a rule change applies to the next list at once (max_size counts the head)", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.unshift((await rest.create("pairs", { category: "pair-cat", message: `p${i}` })).id);
    }
    expect((await rest.put("/v1/rules/pair-cat", { max_size: 2 })).status).toBe(204);
    const res = await rest.get("/v1/notifications/pairs");
    expect(topIds(res.body)).toEqual([ids[0], ids[2], ids[4]]);
    expect(res.body.map((n: RestNotification) => topIds(n.notifications ?? []))).toEqual([
      [ids[1]],
      [ids[3]],
      [],
    ]);
    expect(res.body[2]).not.toHaveProperty("notifications");
    await rest.delete("/v1/rules/pair-cat");
    expect(topIds((await rest.get("/v1/notifications/pairs")).body)).toEqual(ids);
  });

  it("A11: duration and match_on, around another category", async () => {
    await rest.put("/v1/rules/a11-like", { max_duration: "3 hours", match_on: "message_id" });
    const t = clock + 10 * hour;
    const at = async (ms: number, category: string, name: string) => {
      clock = ms;
      return (
        await rest.create("a11", { category, message: name, properties: { message_id: "1" } })
      ).id;
    };
    const l0 = await at(t - 4 * hour, "a11-like", "L0");
    const l1 = await at(t - 2 * hour, "a11-like", "L1");
    const f = await at(t - 1.5 * hour, "a11-follow", "F");
    const l2 = await at(t - hour, "a11-like", "L2");
    const l3 = await at(t, "a11-like", "L3");
    const res = await rest.get("/v1/notifications/a11");
    expect(topIds(res.body)).toEqual([l3, f, l0]);
    expect(topIds(res.body[0].notifications)).toEqual([l2, l1]);
  });
});
