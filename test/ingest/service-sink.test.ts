import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/domain/validation-error.js";
import {
  CreateNotificationRequestSchema,
  CreateNotificationsRequestSchema,
} from "../../src/gen/notification/v1/notification_pb.js";
import { createServiceSink } from "../../src/ingest/service-sink.js";
import type { ServiceDependencies } from "../../src/services/dependencies.js";
import { StorageUnavailableError } from "../../src/storage/errors.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

describe("the service sink", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const single = (username: string, message: string, idempotencyKey = "") =>
    create(CreateNotificationRequestSchema, {
      username,
      category: "like",
      message,
      idempotencyKey,
    });
  const fanOut = (usernames: string[], idempotencyKey = "redis-stream:1-0") =>
    create(CreateNotificationsRequestSchema, {
      usernames,
      category: "like",
      message: "hi",
      idempotencyKey,
    });
  const listed = async (username: string) =>
    (await t.notifications.listNotifications({ username })).notifications.map((n) => n.message);

  it("stores through the services' one create path", async () => {
    const sink = createServiceSink(t.app.deps);
    expect(await sink.create(single("ann", "one"))).toEqual({ kind: "created" });
    expect(await listed("ann")).toEqual(["one"]);
  });

  it("stores nothing new for a second delivery with the same idempotency key", async () => {
    const sink = createServiceSink(t.app.deps);
    expect(await sink.create(single("amy", "once", "redis-stream:7-0"))).toEqual({
      kind: "created",
    });
    expect(await sink.create(single("amy", "once", "redis-stream:7-0"))).toEqual({
      kind: "replayed",
    });
    expect(await listed("amy")).toEqual(["once"]);
    const first = await sink.createMany(fanOut(["ava", "abe"], "redis-stream:8-0"));
    expect(first).toMatchObject({ stored: 2, replayed: 0, rejected: [] });
    const again = await sink.createMany(fanOut(["ava", "abe"], "redis-stream:8-0"));
    expect(again).toMatchObject({ stored: 0, replayed: 2, rejected: [] });
    expect(await listed("ava")).toEqual(["hi"]);
  });

  it("counts a muted category as suppressed", async () => {
    await t.preferences.updatePreferences({
      username: "meg",
      preferences: { categories: { like: { inApp: false } } },
    });
    const sink = createServiceSink(t.app.deps);
    expect(await sink.create(single("meg", "muted"))).toEqual({ kind: "suppressed" });
    expect(await sink.createMany(fanOut(["meg"], ""))).toMatchObject({ suppressed: 1 });
    expect(await listed("meg")).toEqual([]);
  });

  it("refuses bad input as the service does, naming the field", async () => {
    const sink = createServiceSink(t.app.deps);
    const refused = sink.create(
      create(CreateNotificationRequestSchema, { username: "ann", category: "x", message: "m" }),
    );
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toThrow("category must be 3 to 20 characters (got 1)");
  });

  it("fans out to each user; an invalid user fails alone", async () => {
    const sink = createServiceSink(t.app.deps);
    const outcome = await sink.createMany(fanOut(["bob", "a b", "cid"]));
    expect(outcome).toEqual({
      stored: 2,
      replayed: 0,
      suppressed: 0,
      rejected: [{ username: "a b", message: expect.stringMatching(/^usernames\[1\] must be /) }],
    });
    expect(await listed("bob")).toEqual(["hi"]);
    expect(await listed("cid")).toEqual(["hi"]);
  });

  it("refuses a fan-out to no one, or to more than 1000", async () => {
    const sink = createServiceSink(t.app.deps);
    await expect(sink.createMany(fanOut([]))).rejects.toThrow(
      "usernames must name 1 to 1000 users (got 0)",
    );
    const many = Array.from({ length: 1001 }, (_, i) => `u${i}`);
    await expect(sink.createMany(fanOut(many))).rejects.toThrow(
      "usernames must name 1 to 1000 users (got 1001)",
    );
  });

  it("fails a whole fan-out on an outage, so that it is retried whole", async () => {
    const outage = new StorageUnavailableError("no Riak node answered");
    const { inboxes } = t.app.deps.repositories;
    // The inboxes, but every write of dan's fails as an unreachable store does.
    const failing = Object.create(inboxes, {
      change: {
        value: (username: string, change: Parameters<typeof inboxes.change>[1]) =>
          username === "dan" ? Promise.reject(outage) : inboxes.change(username, change),
      },
    }) as typeof inboxes;
    const deps: ServiceDependencies = {
      ...t.app.deps,
      repositories: { ...t.app.deps.repositories, inboxes: failing },
    };
    await expect(createServiceSink(deps).createMany(fanOut(["cid", "dan"], ""))).rejects.toBe(
      outage,
    );
    await expect(createServiceSink(deps).create(single("dan", "x"))).rejects.toBe(outage);
  });
});
