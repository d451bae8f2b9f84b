import { describe, expect, it } from "vitest";
import { storeKinds } from "../support/service-under-test.js";
import { ksuid, useRestService } from "./rest-client.js";

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

const content = { category: "new-follower", message: "Bob followed you" };

// Contract §9 over REST: the Idempotency-Key header, fan-out, topics and jobs.
describe.each(storeKinds)("REST producers (%s store)", (kind) => {
  const { rest } = useRestService(kind);

  describe("Idempotency-Key", () => {
    it("a retry answers 201 with the first notification and Idempotent-Replayed: true", async () => {
      const first = await rest.send(
        "POST",
        "/v1/notifications/ann",
        json(content, { "Idempotency-Key": "order-1" }),
      );
      expect(first.status).toBe(201);
      expect(first.headers.get("idempotent-replayed")).toBeNull();
      const retry = await rest.send(
        "POST",
        "/v1/notifications/ann",
        json(content, { "Idempotency-Key": "order-1" }),
      );
      expect(retry.status).toBe(201);
      expect(retry.headers.get("idempotent-replayed")).toBe("true");
      expect(retry.body).toEqual(first.body);
      const listed = await rest.get("/v1/notifications/ann");
      expect(listed.body).toHaveLength(1);
    });

    it("a key reused with a different body is a 400 naming idempotency_key", async () => {
      await rest.send("POST", "/v1/notifications/bob", json(content, { "Idempotency-Key": "k" }));
      const reused = await rest.send(
        "POST",
        "/v1/notifications/bob",
        json({ ...content, message: "other" }, { "Idempotency-Key": "k" }),
      );
      expect(reused.status).toBe(400);
      expect(reused.body.message).toMatch(
        /^idempotency_key was used within the idempotency window/,
      );
    });

    it("a bad header, or the key in both header and body, is a 400 saying so", async () => {
      const long = await rest.send(
        "POST",
        "/v1/notifications/cid",
        json(content, { "Idempotency-Key": "x".repeat(129) }),
      );
      expect(long.status).toBe(400);
      expect(long.body.message).toMatch(/^idempotency_key \(REST: the Idempotency-Key header\)/);
      const both = await rest.send(
        "POST",
        "/v1/notifications/cid",
        json({ ...content, idempotency_key: "a" }, { "Idempotency-Key": "a" }),
      );
      expect(both.status).toBe(400);
      expect(both.body.message).toBe(
        "send idempotency_key either as the Idempotency-Key header or in the body, not both",
      );
      expect((await rest.get("/v1/notifications/cid")).body).toEqual([]);
    });
  });

  describe("POST /v1/notifications", () => {
    it("answers 200 with a result per user; a bad username fails its own entry", async () => {
      const res = await rest.post("/v1/notifications", {
        ...content,
        usernames: ["dan", "no way", "eve"],
        key: "follow:1",
      });
      expect(res.status).toBe(200);
      expect(res.body.results).toHaveLength(3);
      expect(res.body.results[0]).toMatchObject({ username: "dan", notification: content });
      expect(res.body.results[0].notification.key).toBe("follow:1");
      expect(res.body.results[1]).toEqual({
        username: "no way",
        error: {
          code: "invalid_argument",
          message: expect.stringMatching(/^usernames\[1\] must be/),
        },
      });
      expect(res.body.results[2].notification.id).toMatch(ksuid);
    });

    it("takes Idempotency-Key: a retry marks each replayed copy", async () => {
      const body = json(
        { ...content, usernames: ["fay", "gus"] },
        { "Idempotency-Key": "batch-7" },
      );
      const first = await rest.send("POST", "/v1/notifications", body);
      const retry = await rest.send("POST", "/v1/notifications", body);
      expect(retry.body.results.map((r: { replayed?: boolean }) => r.replayed)).toEqual([
        true,
        true,
      ]);
      expect(retry.body.results[0].notification).toEqual(first.body.results[0].notification);
    });

    it("more than 1000 users is a 400 naming usernames", async () => {
      const usernames = Array.from({ length: 1001 }, (_, i) => `u${i}`);
      const res = await rest.post("/v1/notifications", { ...content, usernames });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        code: 400,
        message: "usernames must name 1 to 1000 users (got 1001)",
      });
    });
  });

  describe("topics and jobs", () => {
    it("subscribers are added, listed with page tokens and removed with ?usernames=", async () => {
      const added = await rest.post("/v1/topics/team:web/subscribers", {
        usernames: ["ann", "bob", "cid"],
      });
      expect(added.status).toBe(200);
      expect(added.body).toEqual({ subscriber_count: "3" });
      const first = await rest.get("/v1/topics/team:web/subscribers?page_size=2");
      expect(first.body.usernames).toHaveLength(2);
      expect(first.body.subscriber_count).toBe("3");
      const second = await rest.get(
        `/v1/topics/team:web/subscribers?page_size=2&page_token=${first.body.next_page_token}`,
      );
      expect(second.body.usernames).toHaveLength(1);
      expect(second.body.next_page_token).toBeUndefined();
      expect([...first.body.usernames, ...second.body.usernames].sort()).toEqual([
        "ann",
        "bob",
        "cid",
      ]);
      const removed = await rest.delete("/v1/topics/team:web/subscribers?usernames=ann,bob");
      expect(removed.status).toBe(200);
      expect(removed.body).toEqual({ subscriber_count: "1" });
    });

    it("a publish answers 202 with the job and its Location; GET /v1/jobs/{id} follows it to done", async () => {
      await rest.post("/v1/topics/news/subscribers", { usernames: ["hal", "ivy"] });
      const res = await rest.send(
        "POST",
        "/v1/topics/news/notifications",
        json({ category: "release", message: "1.2 is out" }, { "Idempotency-Key": "rel-1.2" }),
      );
      expect(res.status).toBe(202);
      const id = res.body.job.id;
      expect(id).toMatch(ksuid);
      expect(res.headers.get("location")).toBe(`/v1/jobs/${id}`);
      expect(res.body.job).toMatchObject({ kind: "publish_to_topic", total: "2" });
      let job = res.body.job;
      for (let i = 0; i < 200 && job.state !== "JOB_STATE_DONE"; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        job = (await rest.get(`/v1/jobs/${id}`)).body.job;
      }
      expect(job).toMatchObject({ state: "JOB_STATE_DONE", total: "2", done: "2" });
      const again = await rest.send(
        "POST",
        "/v1/topics/news/notifications",
        json({ category: "release", message: "1.2 is out" }, { "Idempotency-Key": "rel-1.2" }),
      );
      expect(again.status).toBe(200);
      expect(again.body.job.id).toBe(id);
      expect((await rest.get("/v1/notifications/hal")).body).toHaveLength(1);
    });

    it("an ephemeral publish answers 200 with the streams reached", async () => {
      await rest.post("/v1/topics/live/subscribers", { usernames: ["jon"] });
      const res = await rest.post("/v1/topics/live/notifications", {
        category: "release",
        message: "now live",
        ephemeral: true,
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({});
    });

    it("an empty topic, a bad topic name and an unknown job answer saying so", async () => {
      const empty = await rest.post("/v1/topics/nobody-here/notifications", content);
      expect(empty.status).toBe(400);
      expect(empty.body.message).toMatch(/^topic "nobody-here" has no subscribers/);
      const bad = await rest.post("/v1/topics/a%20b/subscribers", { usernames: ["ann"] });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toMatch(/^topic must be 1 to 128 characters/);
      const unknown = await rest.get("/v1/jobs/2Q1Ds5JW7ZeHazdbdi0AnJ2fMOM");
      expect(unknown.status).toBe(404);
      expect(unknown.body.message).toBe("there is no job 2Q1Ds5JW7ZeHazdbdi0AnJ2fMOM");
    });
  });

  describe("keys", () => {
    it("PATCH, POST .../read and DELETE /v1/keys/{key} answer the job (200 once done, with its Location)", async () => {
      await rest.post("/v1/notifications", { ...content, usernames: ["kim", "lee"], key: "c:1" });
      const patched = await rest.send("PATCH", "/v1/keys/c:1", json({ message: "edited" }));
      expect(patched.status).toBe(200);
      expect(patched.body.job).toMatchObject({
        kind: "update_by_key",
        state: "JOB_STATE_DONE",
        done: "2",
      });
      expect(patched.headers.get("location")).toBe(`/v1/jobs/${patched.body.job.id}`);
      expect((await rest.get("/v1/notifications/kim")).body[0]).toMatchObject({
        message: "edited",
        key: "c:1",
      });
      const read = await rest.post("/v1/keys/c:1/read", {});
      expect(read.status).toBe(200);
      expect(read.body.job).toMatchObject({
        kind: "read_by_key",
        state: "JOB_STATE_DONE",
        done: "2",
      });
      expect((await rest.get("/v1/notifications/kim")).body[0].read).toBe(true);
      const deleted = await rest.delete("/v1/keys/c:1");
      expect(deleted.status).toBe(200);
      expect(deleted.body.job).toMatchObject({ kind: "delete_by_key", state: "JOB_STATE_DONE" });
      expect((await rest.get("/v1/notifications/lee")).body).toEqual([]);
    });

    it("a key too long or with a slash is a 400 naming key", async () => {
      const long = await rest.send("PATCH", `/v1/keys/${"k".repeat(129)}`, json({ message: "m" }));
      expect(long.status).toBe(400);
      expect(long.body.message).toMatch(/^key must be 1 to 128 characters/);
      const slash = await rest.delete("/v1/keys/a%2Fb");
      expect(slash.status).toBe(400);
      expect(slash.body.message).toMatch(/^key must be 1 to 128 characters of A-Z/);
    });
  });
});
