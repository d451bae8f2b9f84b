import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServiceUnderTest, startServiceUnderTest } from "../support/service-under-test.js";

const run = promisify(execFile);

// `buf curl` from @bufbuild/buf: a reflection client that needs no proto files.
async function bufCurl(...args: string[]): Promise<string> {
  const { stdout } = await run(
    "node_modules/.bin/buf",
    ["curl", "--protocol", "grpc", "--http2-prior-knowledge", ...args],
    { timeout: 20_000 },
  );
  return stdout;
}

describe.each(["grpc-v1", "grpc-v1alpha"])("buf curl through reflection (%s)", (version) => {
  let sut: ServiceUnderTest;
  beforeAll(async () => {
    sut = await startServiceUnderTest("embedded");
  });
  afterAll(async () => {
    await sut.close();
  });

  it("lists the services", async () => {
    const services = (await bufCurl("--reflect-protocol", version, "--list-services", sut.baseUrl))
      .trim()
      .split("\n");
    expect(services).toEqual(
      expect.arrayContaining([
        "notification.v1.NotificationService",
        "notification.v1.RuleService",
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
      ]),
    );
  });

  it("lists the methods", async () => {
    const methods = (await bufCurl("--reflect-protocol", version, "--list-methods", sut.baseUrl))
      .trim()
      .split("\n");
    expect(methods).toEqual(
      expect.arrayContaining([
        "notification.v1.NotificationService/CreateNotification",
        "notification.v1.NotificationService/ListNotifications",
        "notification.v1.RuleService/PutRule",
        "grpc.health.v1.Health/Check",
        "grpc.health.v1.Health/Watch",
      ]),
    );
  });

  it("calls methods with the schema it read through reflection", async () => {
    const username = `reflected-${version}`;
    const created = JSON.parse(
      await bufCurl(
        "--reflect-protocol",
        version,
        "-d",
        JSON.stringify({ username, category: "new-follower", message: "Bob followed you" }),
        `${sut.baseUrl}/notification.v1.NotificationService/CreateNotification`,
      ),
    ) as { notification: { id: string; category: string } };
    expect(created.notification.category).toBe("new-follower");
    const listed = JSON.parse(
      await bufCurl(
        "--reflect-protocol",
        version,
        "-d",
        JSON.stringify({ username }),
        `${sut.baseUrl}/notification.v1.NotificationService/ListNotifications`,
      ),
    ) as { notifications: { id: string }[] };
    expect(listed.notifications.map((n) => n.id)).toEqual([created.notification.id]);
  });
});
