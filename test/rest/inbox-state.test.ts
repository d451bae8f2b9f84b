import { describe, expect, it } from "vitest";
import { noStore, type RestNotification, topIds, useRestService } from "./rest-client.js";

// Contract §7.2 to §7.4 over REST: the mark routes answer 204, counts 200,
// and the filter's query parameters select on list and counts.
describe("REST inbox state", () => {
  const { rest } = useRestService("embedded");
  let users = 0;

  /** A fresh user's notifications, created in order; returned newest first. */
  async function inbox(...made: [category: string, post: string][]) {
    const username = `rest-state-${users++}`;
    const created: RestNotification[] = [];
    for (const [category, post] of made) {
      created.unshift(
        await rest.create(username, { category, message: category, properties: { post } }),
      );
    }
    return { username, ids: created.map((n) => n.id) };
  }

  it("marks read and unread, archives and unarchives: 204, and the list shows it", async () => {
    const { username, ids } = await inbox(["like", "1"], ["comment", "2"], ["mention", "1"]);
    const path = `/v1/notifications/${username}`;
    expect((await rest.post(`${path}/read`, { ids: [ids[0], ids[1]] })).status).toBe(204);
    expect((await rest.post(`${path}/unread`, { ids: [ids[1]] })).status).toBe(204);
    expect((await rest.post(`${path}/archive`, { ids: [ids[2]] })).status).toBe(204);
    const listed = await rest.get(path);
    expect(listed.body.map((n: RestNotification & { read: boolean }) => [n.id, n.read])).toEqual([
      [ids[0], true],
      [ids[1], false],
    ]);
    expect(listed.body[1]).toMatchObject({ read: false, archived: false });
    expect((await rest.post(`${path}/unarchive`, { ids: [ids[2]] })).status).toBe(204);
    expect(topIds((await rest.get(`${path}?read=unread`)).body)).toEqual([ids[1], ids[2]]);
  });

  it("marks all read or archives all with a filter in the body", async () => {
    const { username, ids } = await inbox(["like", "1"], ["comment", "2"], ["like", "2"]);
    const path = `/v1/notifications/${username}`;
    const read = await rest.post(`${path}/read`, { all: true, filter: { categories: ["like"] } });
    expect(read.status).toBe(204);
    expect(read.text).toBe("");
    expect(topIds((await rest.get(`${path}?read=read`)).body)).toEqual([ids[0], ids[2]]);
    expect(
      (await rest.post(`${path}/archive`, { all: true, filter: { read: "READ_FILTER_READ" } }))
        .status,
    ).toBe(204);
    expect(topIds((await rest.get(`${path}?archived=true`)).body)).toEqual([ids[0], ids[2]]);
  });

  it("counts: 200 with every count, zeros included, and the list's filters as query parameters", async () => {
    const { username, ids } = await inbox(
      ["like", "1"],
      ["comment", "2"],
      ["mention", "1"],
      ["like", "2"],
    );
    const path = `/v1/notifications/${username}`;
    await rest.post(`${path}/read`, { ids: [ids[0]] });
    const all = await rest.get(`${path}/counts`);
    expect(all.status).toBe(200);
    expect(all.headers.get("cache-control")).toBe(noStore);
    expect(all.body).toEqual({ total: 4, unseen: 4, unread: 3 });
    const cases: [string, object][] = [
      ["category=like", { total: 2, unseen: 2, unread: 1 }],
      ["category=like,mention", { total: 3, unseen: 3, unread: 2 }],
      ["category=like&category=comment", { total: 3, unseen: 3, unread: 2 }],
      ["read=unread", { total: 3, unseen: 3, unread: 3 }],
      ["read=read&category=like", { total: 1, unseen: 1, unread: 0 }],
      ["property.post=1", { total: 2, unseen: 2, unread: 2 }],
      ["archived=true", { total: 0, unseen: 0, unread: 0 }],
      ["filter.read=READ_FILTER_READ", { total: 1, unseen: 1, unread: 0 }],
    ];
    for (const [query, counts] of cases) {
      const answer = await rest.get(`${path}/counts?${query}`);
      expect(answer.body, query).toEqual(counts);
    }
    // A filtered first page does not move the cursor; the unfiltered one does.
    expect(topIds((await rest.get(`${path}?property.post=2`)).body)).toEqual([ids[0], ids[2]]);
    expect((await rest.get(`${path}/counts`)).body.unseen).toBe(4);
    await rest.get(path);
    expect((await rest.get(`${path}/counts`)).body.unseen).toBe(0);
  });

  it("moves the cursor with /seen: 204", async () => {
    const { username, ids } = await inbox(["like", "1"], ["like", "2"]);
    const path = `/v1/notifications/${username}`;
    expect((await rest.post(`${path}/seen`, { up_to: ids[1] })).status).toBe(204);
    expect((await rest.get(`${path}/counts`)).body).toEqual({ total: 2, unseen: 1, unread: 2 });
    expect((await rest.post(`${path}/seen`, {})).status).toBe(204);
    expect((await rest.get(`${path}/counts`)).body.unseen).toBe(0);
  });

  it("pages a filtered list with Next-Page-Token; the token refuses another filter", async () => {
    const { username, ids } = await inbox(
      ["like", "1"],
      ["comment", "1"],
      ["like", "1"],
      ["like", "2"],
    );
    const path = `/v1/notifications/${username}`;
    const first = await rest.get(`${path}?category=like&page_size=2`);
    expect(topIds(first.body)).toEqual([ids[0], ids[1]]);
    const token = first.headers.get("next-page-token") ?? "";
    const second = await rest.get(`${path}?category=like&page_size=2&page_token=${token}`);
    expect(topIds(second.body)).toEqual([ids[3]]);
    const other = await rest.get(`${path}?category=comment&page_size=2&page_token=${token}`);
    expect(other.status).toBe(400);
    expect(other.body.message).toMatch(/^page_token was issued for another filter/);
    // Range names a position only: it pages any filter.
    const ranged = await rest.get(`${path}?category=like`, { range: `id ]${ids[1]}..; max=5` });
    expect(ranged.status).toBe(206);
    expect(topIds(ranged.body)).toEqual([ids[3]]);
  });

  it.each([
    ["read=maybe", /query parameter "read" must be one of .*unread/],
    ["archived=yes", /query parameter "archived" must be true or false/],
    ["category=x", /^filter.categories must be 3 to 20 characters/],
    ["read=unread&read=read", /query parameter "read" must be given once/],
    ["property.post=1&property.post=2", /query parameter "property.post" must be given once/],
    ["colour=red", /unknown query parameter "colour"/],
  ])("GET counts?%s answers 400 naming the parameter", async (query, message) => {
    const answer = await rest.get(`/v1/notifications/ann/counts?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ code: 400, message: expect.stringMatching(message) });
  });

  it.each([
    [
      "read",
      { ids: ["3MSDMaZFJru4jl5eZivcZ2xoxeW"], all: true },
      /^ids and all exclude each other/,
    ],
    [
      "read",
      {},
      /^ids must name at least one notification; to mark every notification the filter selects read, send all: true/,
    ],
    ["archive", { ids: [] }, /^ids must name at least one notification; to archive/],
    [
      "unread",
      { ids: Array.from({ length: 1001 }, (_, i) => `id${i}`) },
      /^ids must name at most 1000/,
    ],
    ["unarchive", {}, /^ids must name at least one notification/],
    ["read", { all: true, filter: { read: "READ_FILTER_SOMETIMES" } }, /READ_FILTER_SOMETIMES/],
    ["seen", { up_to: "later" }, /^up_to must be a notification id/],
  ])("POST /%s with %j answers 400 naming the field", async (route, body, message) => {
    const answer = await rest.post(`/v1/notifications/ann/${route}`, body);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(message);
  });
});
