import { describe, expect, it } from "vitest";
import { storeKinds } from "../support/service-under-test.js";
import {
  ksuid,
  millisecondTimestamp,
  noStore,
  type RestNotification,
  useRestService,
  uuid,
} from "./rest-client.js";

// Every request of the predecessor's README (smoketurner/notification,
// "Usage"), in order, answered as contract §3 promises: same paths, statuses
// and headers; ids are KSUIDs and `properties` is left out when empty.
describe.each(storeKinds)("the predecessor's README requests (%s store)", (kind) => {
  const { rest } = useRestService(kind);
  const created: RestNotification[] = [];

  it("creates a notification: 201, Location, the stored notification", async () => {
    const res = await rest.post("/v1/notifications/test", {
      category: "new-follower",
      message: "You have a new follower",
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe("/v1/notifications/test");
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("x-request-id")).toMatch(uuid);
    expect(Object.keys(res.body).sort()).toEqual(["category", "created_at", "id", "message"]);
    expect(res.body).toMatchObject({
      category: "new-follower",
      message: "You have a new follower",
    });
    expect(res.body.id).toMatch(ksuid);
    expect(res.body.created_at).toMatch(millisecondTimestamp);
    created.push(res.body);
  });

  it("retrieves the notifications: 200 with the paging and caching headers", async () => {
    const res = await rest.get("/v1/notifications/test");
    expect(res.status).toBe(200);
    const [only] = created;
    expect(res.body).toEqual([{ ...only, unseen: true, read: false, archived: false }]);
    expect(res.headers.get("accept-ranges")).toBe("id");
    expect(res.headers.get("content-range")).toBe(`id ${only?.id}..${only?.id}`);
    expect(res.headers.get("last-modified")).toBe(new Date(only?.created_at ?? "").toUTCString());
    expect(res.headers.get("cache-control")).toBe(noStore);
    expect(res.headers.get("next-range")).toBeNull();
    expect(res.headers.get("x-request-id")).toMatch(uuid);
  });

  it("retrieves with Range: id;max=100: 206, the first page, up to 100 items", async () => {
    for (let i = 0; i < 4; i++) {
      created.unshift(await rest.create("test", { category: "like", message: `like ${i}` }));
    }
    const res = await rest.get("/v1/notifications/test", { range: "id;max=100" });
    expect(res.status).toBe(206);
    expect(res.body.map((n: RestNotification) => n.id)).toEqual(created.map((n) => n.id));
    expect(res.headers.get("accept-ranges")).toBe("id");
    expect(res.headers.get("content-range")).toBe(`id ${created[0]?.id}..${created[4]?.id}`);
    expect(res.headers.get("next-range")).toBeNull();
    expect(res.headers.get("cache-control")).toBe(noStore);
  });

  it("follows Next-Range when more notifications are available", async () => {
    const first = await rest.get("/v1/notifications/test", { range: "id;max=2" });
    expect(first.status).toBe(206);
    expect(first.headers.get("next-range")).toBe(`id ]${created[1]?.id}..; max=2`);
    const next = await rest.get("/v1/notifications/test", {
      range: first.headers.get("next-range") ?? "",
    });
    expect(next.status).toBe(206);
    expect(next.body.map((n: RestNotification) => n.id)).toEqual([created[2]?.id, created[3]?.id]);
    expect(next.headers.get("content-range")).toBe(`id ${created[2]?.id}..${created[3]?.id}`);
  });

  it("deletes individual notifications: 204, no body, even for ids that do not exist", async () => {
    const [a, b] = created;
    const res = await rest.delete(`/v1/notifications/test?ids=${a?.id},${b?.id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expect(res.headers.get("x-request-id")).toMatch(uuid);
    const left = await rest.get("/v1/notifications/test");
    expect(left.body.map((n: RestNotification) => n.id)).toEqual(created.slice(2).map((n) => n.id));
    const unknown = await rest.delete(
      "/v1/notifications/test?ids=625336317638742016,625336317638742015",
    );
    expect(unknown.status).toBe(204);
    expect((await rest.get("/v1/notifications/test")).body).toHaveLength(3);
  });

  it("deletes all notifications and the cursor: 204, then an empty inbox", async () => {
    const res = await rest.delete("/v1/notifications/test");
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    const after = await rest.get("/v1/notifications/test");
    expect(after.status).toBe(200);
    expect(after.body).toEqual([]);
    // The cursor went too: a new notification is unseen, whatever was seen before.
    await rest.create("test", { category: "like", message: "again" });
    expect((await rest.get("/v1/notifications/test")).body[0].unseen).toBe(true);
  });

  it("creates or updates a rollup rule: 204", async () => {
    const res = await rest.put("/v1/rules/new-follower", { max_size: 9, max_duration: "12 hours" });
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expect(res.headers.get("x-request-id")).toMatch(uuid);
    const like = await rest.put("/v1/rules/like", {
      max_duration: "3 hours",
      match_on: "message_id",
    });
    expect(like.status).toBe(204);
  });

  it("retrieves the rollup rules: 200, category to rule", async () => {
    const res = await rest.get("/v1/rules");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("cache-control")).toBe(noStore);
    expect(res.body).toEqual({
      "new-follower": { max_size: 9, max_duration: "12 hours" },
      like: { max_duration: "3 hours", match_on: "message_id" },
    });
  });

  it("deletes a rollup rule: 204, and it is gone", async () => {
    const res = await rest.delete("/v1/rules/new-follower");
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expect((await rest.get("/v1/rules")).body).toEqual({
      like: { max_duration: "3 hours", match_on: "message_id" },
    });
  });
});
