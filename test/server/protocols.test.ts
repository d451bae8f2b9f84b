import { createClient } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import {
  type ServiceUnderTest,
  startServiceUnderTest,
  storeKinds,
} from "../support/service-under-test.js";

describe.each(storeKinds)("one port serves every protocol (%s store)", (kind) => {
  let sut: ServiceUnderTest;
  beforeAll(async () => {
    sut = await startServiceUnderTest(kind);
  });
  afterAll(async () => {
    await sut.close();
  });

  const transports = {
    "gRPC over h2c": () => createGrpcTransport({ baseUrl: sut.baseUrl }),
    "gRPC-Web over HTTP/1.1": () =>
      createGrpcWebTransport({ baseUrl: sut.baseUrl, httpVersion: "1.1" }),
    "Connect over HTTP/1.1": () =>
      createConnectTransport({ baseUrl: sut.baseUrl, httpVersion: "1.1" }),
    "Connect over h2c": () => createConnectTransport({ baseUrl: sut.baseUrl, httpVersion: "2" }),
  };

  for (const [name, makeTransport] of Object.entries(transports)) {
    it(`creates and lists over ${name}`, async () => {
      const client = createClient(NotificationService, makeTransport());
      const username = `user-${name.replace(/[^a-z0-9]/gi, "")}`;
      const created = await client.createNotification({
        username,
        category: "like",
        message: "hi",
      });
      const listed = await client.listNotifications({ username });
      expect(listed.notifications.map((n) => n.id)).toEqual([created.notification?.id]);
    });
  }

  it("answers Connect JSON to a plain fetch over HTTP/1.1", async () => {
    const response = await fetch(
      `${sut.baseUrl}/notification.v1.NotificationService/CreateNotification`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "fetcher", category: "like", message: "hello" }),
      },
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { notification: { id: string; created_at: string } };
    expect(body.notification.id).toMatch(/^[0-9A-Za-z]{27}$/);
    expect(body.notification.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/);
  });
});
