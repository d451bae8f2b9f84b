import { describe, expect, it } from "vitest";
import { storeKinds } from "../support/service-under-test.js";
import {
  allIds,
  millisecondTimestamp,
  noStore,
  type RestNotification,
  topIds,
  useRestService,
} from "./rest-client.js";

// Contract §3.1 to §3.3, and the predecessor's acceptance cases A1 to A8
// (predecessor.md, Appendix A) adjusted to our contract.
describe.each(storeKinds)("REST notifications (%s store)", (kind) => {
  const { rest } = useRestService(kind);

  /** Creates `count` notifications for a user, oldest first; returns them newest first. */
  async function fill(username: string, count: number, category = "like") {
    const made: RestNotification[] = [];
    for (let i = 1; i <= count; i++) {
      made.unshift(await rest.create(username, { category, message: `item ${i}` }));
    }
    return made;
  }

  describe("§3.1 create", () => {
    it("answers the stored notification, properties when not empty, created_at in ms", async () => {
      const res = await rest.post("/v1/notifications/ann.b_c-d@e+f", {
        category: "new-follower",
        message: "Bob followed you",
        properties: { first_name: "Bob" },
      });
      expect(res.status).toBe(201);
      expect(res.headers.get("location")).toBe("/v1/notifications/ann.b_c-d%40e%2Bf");
      expect(res.body).toEqual({
        id: res.body.id,
        category: "new-follower",
        message: "Bob followed you",
        created_at: res.body.created_at,
        properties: { first_name: "Bob" },
      });
      expect(res.body.created_at).toMatch(millisecondTimestamp);
      const empty = await rest.post("/v1/notifications/ann", {
        category: "new-follower",
        message: "x",
        properties: {},
      });
      expect(empty.body).not.toHaveProperty("properties");
    });

    it("counts lengths in code points, without trimming", async () => {
      const emoji = "🙂".repeat(20);
      expect(
        (await rest.post("/v1/notifications/cp", { category: emoji, message: "m" })).status,
      ).toBe(201);
      const spaced = await rest.post("/v1/notifications/cp", { category: "  x  ", message: " " });
      expect(spaced.status).toBe(201);
      expect(spaced.body).toMatchObject({ category: "  x  ", message: " " });
    });
  });

  describe("§3.2 list", () => {
    it("A1: 30 items, no Range: 200, the newest 20, all unseen, Next-Range", async () => {
      const items = await fill("a1", 30);
      const res = await rest.get("/v1/notifications/a1");
      expect(res.status).toBe(200);
      expect(topIds(res.body)).toEqual(topIds(items.slice(0, 20)));
      expect(res.body.every((n: RestNotification) => n.unseen === true)).toBe(true);
      expect(res.headers.get("content-range")).toBe(`id ${items[0]?.id}..${items[19]?.id}`);
      expect(res.headers.get("next-range")).toBe(`id ]${items[19]?.id}..; max=20`);
      expect(res.headers.get("last-modified")).toBe(
        new Date(items[0]?.created_at ?? "").toUTCString(),
      );
      expect(res.headers.get("cache-control")).toBe(noStore);

      // A2: the next page, flagged by the moved cursor, and the end of the list.
      const next = await rest.get("/v1/notifications/a1", {
        range: res.headers.get("next-range") ?? "",
      });
      expect(next.status).toBe(206);
      expect(topIds(next.body)).toEqual(topIds(items.slice(20)));
      expect(next.body.every((n: RestNotification) => n.unseen === false)).toBe(true);
      expect(next.headers.get("content-range")).toBe(`id ${items[20]?.id}..${items[29]?.id}`);
      expect(next.headers.get("next-range")).toBeNull();
      // Last-Modified is the newest notification's, on every page.
      expect(next.headers.get("last-modified")).toBe(res.headers.get("last-modified"));
    });

    it("reads an inclusive and an exclusive from-id", async () => {
      const items = await fill("from", 5);
      const inclusive = await rest.get("/v1/notifications/from", {
        range: `id ${items[1]?.id}..; max=2`,
      });
      expect(topIds(inclusive.body)).toEqual([items[1]?.id, items[2]?.id]);
      expect(inclusive.headers.get("next-range")).toBe(`id ]${items[2]?.id}..; max=2`);
      const exclusive = await rest.get("/v1/notifications/from", {
        range: `id ]${items[1]?.id}..;max=2`,
      });
      expect(topIds(exclusive.body)).toEqual([items[2]?.id, items[3]?.id]);
      const past = await rest.get("/v1/notifications/from", {
        range: `id ]${items[4]?.id}..; max=2`,
      });
      expect(past.status).toBe(206);
      expect(past.body).toEqual([]);
      expect(past.headers.get("content-range")).toBeNull();
    });

    it("A3: max above 1000 is clamped, not refused; A4: max=0 is refused", async () => {
      const items = await fill("a3", 3);
      const res = await rest.get("/v1/notifications/a3", { range: "id;max=5000" });
      expect(res.status).toBe(206);
      expect(topIds(res.body)).toEqual(topIds(items));
      expect(res.headers.get("next-range")).toBeNull();
      const zero = await rest.get("/v1/notifications/a3", { range: "id;max=0" });
      expect(zero.status).toBe(400);
      expect(zero.body.message).toContain("Range max must be at least 1");
    });

    it("honours page_size and pageSize as query parameters too", async () => {
      const items = await fill("query", 3);
      const snake = await rest.get("/v1/notifications/query?page_size=2");
      expect(snake.status).toBe(200);
      expect(topIds(snake.body)).toEqual(topIds(items.slice(0, 2)));
      expect(snake.headers.get("next-range")).toBe(`id ]${items[1]?.id}..; max=2`);
      expect(topIds((await rest.get("/v1/notifications/query?pageSize=1")).body)).toEqual([
        items[0]?.id,
      ]);
      const both = await rest.get("/v1/notifications/query?page_size=2", { range: "id;max=1" });
      expect(both.status).toBe(400);
      expect(both.body.message).toBe("send either a Range header or page_size, not both");
    });

    it("a user with no notifications: 200 [] or 206 [] with only Accept-Ranges", async () => {
      for (const [range, status] of [
        [undefined, 200],
        ["id;max=5", 206],
      ] as const) {
        const res = await rest.get("/v1/notifications/nobody", range ? { range } : {});
        expect(res.status).toBe(status);
        expect(res.body).toEqual([]);
        expect(res.headers.get("accept-ranges")).toBe("id");
        for (const header of ["content-range", "next-range", "last-modified"]) {
          expect(res.headers.get(header)).toBeNull();
        }
      }
      const bad = await rest.get("/v1/notifications/nobody", { range: "id" });
      expect(bad.status).toBe(400);
    });

    it("A5: every item deleted: 200 [] (206 [] with a Range)", async () => {
      const items = await fill("a5", 2);
      await rest.delete(`/v1/notifications/a5?ids=${items.map((n) => n.id).join(",")}`);
      const res = await rest.get("/v1/notifications/a5");
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
      expect(res.headers.get("content-range")).toBeNull();
      expect(res.headers.get("last-modified")).toBeNull();
      expect((await rest.get("/v1/notifications/a5", { range: "id;max=1" })).status).toBe(206);
    });

    it("A6: seen and unseen roll up apart (max_size counts the head)", async () => {
      expect((await rest.put("/v1/rules/a6-cat", { max_size: 10 })).status).toBe(204);
      const old = await fill("a6", 5, "a6-cat");
      await rest.get("/v1/notifications/a6"); // the cursor moves to the 5th
      const fresh = await fill("a6", 3, "a6-cat");
      const res = await rest.get("/v1/notifications/a6");
      expect(res.body).toHaveLength(2);
      const [unseen, seen] = res.body as RestNotification[];
      expect(unseen?.id).toBe(fresh[0]?.id);
      expect(unseen?.unseen).toBe(true);
      expect(unseen?.notifications?.map((n) => [n.id, n.unseen])).toEqual([
        [fresh[1]?.id, true],
        [fresh[2]?.id, true],
      ]);
      expect(seen?.id).toBe(old[0]?.id);
      expect(seen?.unseen).toBe(false);
      expect(topIds(seen?.notifications ?? [])).toEqual(topIds(old.slice(1)));
      expect(res.headers.get("content-range")).toBe(`id ${fresh[0]?.id}..${old[0]?.id}`);
    });

    it("A7: deleting the cursor's notification does not make the rest unseen", async () => {
      const items = await fill("a7", 8);
      await rest.get("/v1/notifications/a7");
      expect((await rest.delete(`/v1/notifications/a7?ids=${items[0]?.id}`)).status).toBe(204);
      for (let i = 0; i < 2; i++) {
        const res = await rest.get("/v1/notifications/a7");
        expect(topIds(res.body)).toEqual(topIds(items.slice(1)));
        expect(res.body.map((n: RestNotification) => n.unseen)).toEqual(Array(7).fill(false));
      }
      const newer = await rest.create("a7", { category: "like", message: "new" });
      const res = await rest.get("/v1/notifications/a7");
      expect(res.body[0]).toMatchObject({ id: newer.id, unseen: true });
      expect(res.body[1].unseen).toBe(false);
    });
  });

  describe("§3.3 delete", () => {
    it("A8 (changed): ?ids= naming nothing is a 400 and deletes nothing; no ids deletes everything", async () => {
      const items = await fill("a8", 3);
      for (const query of ["?ids=", "?ids=,,", "?ids=%20,%20", "?all=false", "?ids=&all=false"]) {
        const res = await rest.delete(`/v1/notifications/a8${query}`);
        expect(res.status, query).toBe(400);
        expect(res.body.message).toMatch(/^ids must name at least one notification/);
        expect(topIds((await rest.get("/v1/notifications/a8")).body)).toEqual(topIds(items));
      }
      const both = await rest.delete(`/v1/notifications/a8?ids=${items[0]?.id}&all=true`);
      expect(both.status).toBe(400);
      expect(both.body.message).toMatch(/^ids and all exclude each other/);
      expect(topIds((await rest.get("/v1/notifications/a8")).body)).toEqual(topIds(items));
      for (const path of ["/v1/notifications/a%20b?ids=", "/v1/notifications/a%20b"]) {
        const badUser = await rest.delete(path);
        expect(badUser.status, path).toBe(400);
        expect(badUser.body.message).toMatch(/^username/);
      }
      expect((await rest.delete("/v1/notifications/a8")).status).toBe(204);
      const after = await rest.get("/v1/notifications/a8");
      expect(after.status).toBe(200);
      expect(after.body).toEqual([]);
    });

    it("?all=true deletes everything too", async () => {
      await fill("all", 2);
      expect((await rest.delete("/v1/notifications/all?all=true")).status).toBe(204);
      expect((await rest.get("/v1/notifications/all")).body).toEqual([]);
    });

    it("splits ?ids=a,b,c, ignores ids that are not notification ids, and deletes the rest", async () => {
      const items = await fill("ids", 4);
      const res = await rest.delete(
        `/v1/notifications/ids?ids=1,${items[0]?.id},asdf, ${items[2]?.id}&ids=${items[3]?.id}`,
      );
      expect(res.status).toBe(204);
      expect(allIds((await rest.get("/v1/notifications/ids")).body)).toEqual([items[1]?.id]);
      // The predecessor's own case: nothing named exists, nothing changes.
      expect((await rest.delete("/v1/notifications/ids?ids=1,2,asdf,3")).status).toBe(204);
      expect(allIds((await rest.get("/v1/notifications/ids")).body)).toEqual([items[1]?.id]);
    });

    it("deleting for an unknown user answers 204 and creates nothing", async () => {
      expect((await rest.delete("/v1/notifications/ghost?ids=x")).status).toBe(204);
      expect((await rest.delete("/v1/notifications/ghost")).status).toBe(204);
      expect((await rest.get("/v1/notifications/ghost")).body).toEqual([]);
    });
  });
});
