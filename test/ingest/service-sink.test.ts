import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/domain/validation-error.js";
import {
  CreateNotificationRequestSchema,
  CreateNotificationsRequestSchema,
} from "../../src/gen/notification/v1/notification_pb.js";
import { createServiceSink } from "../../src/ingest/service-sink.js";
import { createNotificationService } from "../../src/services/notification-service.js";
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

  const fanOut = (usernames: string[]) =>
    create(CreateNotificationsRequestSchema, {
      usernames,
      category: "like",
      message: "hi",
      idempotencyKey: "redis-stream:1-0",
    });
  const listed = async (username: string) =>
    (await t.notifications.listNotifications({ username })).notifications.map((n) => n.message);

  it("stores through the service's create path", async () => {
    const sink = createServiceSink(createNotificationService(t.app.deps));
    const outcome = await sink.create(
      create(CreateNotificationRequestSchema, {
        username: "ann",
        category: "like",
        message: "one",
      }),
    );
    expect(outcome).toEqual({ replayed: false });
    expect(await listed("ann")).toEqual(["one"]);
  });

  it("refuses bad input as the service does, naming the field", async () => {
    const sink = createServiceSink(createNotificationService(t.app.deps));
    const refused = sink.create(
      create(CreateNotificationRequestSchema, { username: "ann", category: "x", message: "m" }),
    );
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toThrow("category must be 3 to 20 characters (got 1)");
  });

  it("fans out to each user; an invalid user fails alone", async () => {
    const sink = createServiceSink(createNotificationService(t.app.deps));
    const outcome = await sink.createMany(fanOut(["bob", "a b", "cid"]));
    expect(outcome).toEqual({
      stored: 2,
      replayed: 0,
      rejected: [
        {
          username: "a b",
          message: 'username must be 1 to 128 characters of A-Z a-z 0-9 . _ - @ + (got "a b")',
        },
      ],
    });
    expect(await listed("bob")).toEqual(["hi"]);
    expect(await listed("cid")).toEqual(["hi"]);
  });

  it("refuses a fan-out to no one, or to more than 1000", async () => {
    const sink = createServiceSink(createNotificationService(t.app.deps));
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
    const sink = createServiceSink({
      async createNotification(request) {
        if (request.username === "dan") throw outage;
        return {};
      },
    });
    await expect(sink.createMany(fanOut(["cid", "dan"]))).rejects.toBe(outage);
  });
});
