import type { Interceptor } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ServiceUnderTest,
  startServiceUnderTest,
} from "../../../test/support/service-under-test.js";
import {
  Code,
  ConnectError,
  createNotificationClient,
  type NotificationClientOptions,
} from "../src/index.js";
import { stored } from "./stored.js";

let sut: ServiceUnderTest;
beforeAll(async () => {
  sut = await startServiceUnderTest("embedded");
});
afterAll(async () => {
  await sut.close();
});

/** A client that counts the calls it makes. */
function countingClient(options: NotificationClientOptions) {
  let calls = 0;
  const counting: Interceptor = (next) => (request) => {
    calls += 1;
    return next(request);
  };
  const client = createNotificationClient(sut.baseUrl, { ...options, interceptors: [counting] });
  return Object.assign(client, { calls: () => calls });
}

const clients: Record<string, NotificationClientOptions> = {
  grpc: { protocol: "grpc" },
  connect: { protocol: "connect" },
  "connect-h2": { protocol: "connect", httpVersion: "2" },
  "grpc-web": { protocol: "grpc-web" },
};

describe.each(Object.entries(clients))("the client over %s", (name, options) => {
  const user = (what: string) => `${what}-${name}`;

  it("creates a notification and lists it back", async () => {
    const client = createNotificationClient(sut.baseUrl, options);
    const created = await stored(
      client.createNotification(user("ann"), {
        category: "new-follower",
        message: "Bob followed you",
        properties: { follower: "bob" },
      }),
    );
    expect(created.id).toMatch(/^[0-9A-Za-z]{27}$/);
    expect(created.createdAt?.seconds).toBeGreaterThan(0n);

    const page = await client.listNotifications(user("ann"));
    expect(page.notifications).toHaveLength(1);
    expect(page.notifications[0]).toMatchObject({
      id: created.id,
      category: "new-follower",
      message: "Bob followed you",
      properties: { follower: "bob" },
      unseen: true,
    });
    expect(page.nextPageToken).toBe("");
  });

  it("pages through the inbox, and iterates every page", async () => {
    const username = user("pager");
    const client = createNotificationClient(sut.baseUrl, options);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push(
        (await stored(client.createNotification(username, { category: "like", message: `${i}` })))
          .id,
      );
    }
    const newestFirst = ids.toReversed();

    const first = await client.listNotifications(username, { pageSize: 3 });
    const second = await client.listNotifications(username, {
      pageSize: 3,
      pageToken: first.nextPageToken,
    });
    expect(first.notifications.map((n) => n.id)).toEqual(newestFirst.slice(0, 3));
    expect(second.notifications.map((n) => n.id)).toEqual(newestFirst.slice(3, 6));

    const counted = countingClient(options);
    const iterated: string[] = [];
    for await (const notification of counted.listAllNotifications(username, { pageSize: 3 })) {
      iterated.push(notification.id);
    }
    expect(iterated).toEqual(newestFirst);
    expect(counted.calls()).toBe(3);
  });

  it("stops fetching pages when the loop is left", async () => {
    const username = user("early");
    const client = createNotificationClient(sut.baseUrl, options);
    for (let i = 0; i < 4; i++) {
      await stored(client.createNotification(username, { category: "like", message: `${i}` }));
    }
    const counted = countingClient(options);
    for await (const _ of counted.listAllNotifications(username, { pageSize: 2 })) break;
    expect(counted.calls()).toBe(1);
  });

  it("deletes notifications by id, then all of them", async () => {
    const username = user("deleter");
    const client = createNotificationClient(sut.baseUrl, options);
    const a = await stored(client.createNotification(username, { category: "like", message: "a" }));
    const b = await stored(client.createNotification(username, { category: "like", message: "b" }));
    const c = await stored(client.createNotification(username, { category: "like", message: "c" }));

    await client.deleteNotifications(username, [b.id]);
    const left = await client.listNotifications(username);
    expect(left.notifications.map((n) => n.id)).toEqual([c.id, a.id]);

    await client.deleteAllNotifications(username);
    expect((await client.listNotifications(username)).notifications).toEqual([]);
  });

  it("refuses a delete of no ids with INVALID_ARGUMENT and deletes nothing", async () => {
    const username = user("empty-delete");
    const client = createNotificationClient(sut.baseUrl, options);
    const a = await stored(client.createNotification(username, { category: "like", message: "a" }));
    await expect(client.deleteNotifications(username, [])).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: expect.stringContaining("ids must name at least one notification"),
    });
    expect((await client.listNotifications(username)).notifications.map((n) => n.id)).toEqual([
      a.id,
    ]);
  });

  it("puts, lists and deletes rules", async () => {
    const category = `rule-${name}`;
    const client = createNotificationClient(sut.baseUrl, options);
    await client.putRule(category, { maxSize: 9, maxDuration: "3m" });
    expect((await client.listRules())[category]).toMatchObject({
      maxSize: 9,
      maxDuration: "3 minutes",
      matchOn: "",
    });

    await client.putRule(category, { matchOn: "post" });
    const replaced = (await client.listRules())[category];
    expect(replaced).toMatchObject({ matchOn: "post" });
    expect(replaced?.maxSize).toBeUndefined();

    await client.deleteRule(category);
    expect(await client.listRules()).not.toHaveProperty(category);
  });

  it("rejects bad input with INVALID_ARGUMENT naming the field", async () => {
    const client = createNotificationClient(sut.baseUrl, options);
    const failure = client.createNotification(user("ann"), { category: "x", message: "hi" });
    await expect(failure).rejects.toBeInstanceOf(ConnectError);
    await expect(failure).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: expect.stringContaining("category"),
    });
  });
});

describe("createNotificationClient", () => {
  it("defaults to Connect over HTTP/1.1", async () => {
    const protocols: string[] = [];
    const client = createNotificationClient(sut.baseUrl, {
      interceptors: [
        (next) => (request) => {
          protocols.push(request.header.get("content-type") ?? "");
          return next(request);
        },
      ],
    });
    await client.listRules();
    expect(protocols).toEqual(["application/proto"]);
  });

  it("refuses an unknown protocol, naming the choices", () => {
    expect(() =>
      createNotificationClient(sut.baseUrl, { protocol: "rest" as unknown as "grpc" }),
    ).toThrow('protocol must be "grpc", "connect" or "grpc-web" (got "rest")');
  });
});
