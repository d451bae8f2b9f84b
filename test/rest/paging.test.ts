import { beforeAll, describe, expect, it } from "vitest";
import { storeKinds } from "../support/service-under-test.js";
import { allIds, type RestNotification, useRestService } from "./rest-client.js";

const total = 250;

// Contract §3.2: paging with Next-Range from the first page to the last
// neither skips nor repeats a notification (counting rollup children), with
// rules active and the cursor moving because of the first page.
describe.each(storeKinds)(`REST paging through ${total} notifications (%s store)`, (kind) => {
  const { rest } = useRestService(kind);
  const created: string[] = [];

  beforeAll(async () => {
    expect((await rest.put("/v1/rules/like", { max_size: 4 })).status).toBe(204);
    expect((await rest.put("/v1/rules/comment", { match_on: "post" })).status).toBe(204);
    const categories = ["like", "follow", "like", "comment", "like", "comment"];
    // In small concurrent batches: group commit batches them, the order of
    // ids is whatever the service gives.
    for (let start = 0; start < total; start += 10) {
      const batch = Array.from({ length: Math.min(10, total - start) }, (_, i) => {
        const n = start + i;
        return rest.create("pager", {
          category: categories[n % categories.length] ?? "like",
          message: `n${n}`,
          properties: { post: `p${n % 3}` },
        });
      });
      for (const notification of await Promise.all(batch)) created.push(notification.id);
    }
  });

  /** Follows Next-Range from a first request until it stops; returns every page. */
  async function walk(first: Record<string, string>): Promise<RestNotification[][]> {
    const pages: RestNotification[][] = [];
    let headers = first;
    for (;;) {
      const res = await rest.get("/v1/notifications/pager", headers);
      expect([200, 206]).toContain(res.status);
      pages.push(res.body);
      const next = res.headers.get("next-range");
      if (!next) return pages;
      expect(pages.length).toBeLessThan(total);
      headers = { range: next };
    }
  }

  /**
   * Follows Next-Page-Token as a client that never reads Range would:
   * `?page_size=N`, then `?page_size=N&page_token=<token>` until no token comes.
   */
  async function walkByToken(pageSize: number): Promise<RestNotification[][]> {
    const pages: RestNotification[][] = [];
    let query = `?page_size=${pageSize}`;
    for (;;) {
      const res = await rest.get(`/v1/notifications/pager${query}`);
      expect(res.status).toBe(200);
      pages.push(res.body);
      const token = res.headers.get("next-page-token");
      expect(token === null).toBe(res.headers.get("next-range") === null);
      if (!token) return pages;
      expect(pages.length).toBeLessThan(total);
      query = `?page_size=${pageSize}&page_token=${encodeURIComponent(token)}`;
    }
  }

  function expectEachOnce(pages: RestNotification[][]) {
    const seen = pages.flatMap(allIds);
    expect(seen).toHaveLength(total);
    expect(new Set(seen)).toEqual(new Set(created));
    // Top-level items come newest first across pages.
    const tops = pages.flatMap((page) => page.map((n) => n.id));
    expect(tops).toEqual([...tops].sort().reverse());
  }

  it("visits each notification exactly once from the first page (which moves the cursor)", async () => {
    const pages = await walk({ range: "id;max=20" });
    expect(pages.length).toBeGreaterThan(2);
    expect(pages.flat().some((n) => (n.notifications?.length ?? 0) > 0)).toBe(true);
    expect(pages[0]?.every((n) => n.unseen === true)).toBe(true);
    expect(pages[1]?.every((n) => n.unseen === false)).toBe(true);
    expectEachOnce(pages);
  });

  it("visits each exactly once again once everything is seen, starting without a Range", async () => {
    const pages = await walk({});
    expect(pages.flat().every((n) => n.unseen === false)).toBe(true);
    expectEachOnce(pages);
  });

  it("and with a page size that does not divide the inbox", async () => {
    expectEachOnce(await walk({ range: "id;max=7" }));
  });

  it("visits each exactly once following Next-Page-Token with ?page_token=", async () => {
    const pages = await walkByToken(20);
    expect(pages.length).toBeGreaterThan(2);
    expectEachOnce(pages);
    expectEachOnce(await walkByToken(7));
  });

  it("answers the same Next-Page-Token to a Range request, and ?page_token= continues from it", async () => {
    const byRange = await rest.get("/v1/notifications/pager", { range: "id;max=5" });
    const token = byRange.headers.get("next-page-token") ?? "";
    expect(token).not.toBe("");
    const next = await rest.get(`/v1/notifications/pager?page_size=5&page_token=${token}`);
    const byNextRange = await rest.get("/v1/notifications/pager", {
      range: byRange.headers.get("next-range") ?? "",
    });
    expect(next.body).toEqual(byNextRange.body);
  });
});
