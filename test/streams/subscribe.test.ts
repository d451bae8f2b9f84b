import { type Client, Code, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import {
  type ServiceUnderTest,
  startServiceUnderTest,
  storeKinds,
} from "../support/service-under-test.js";
import { createNotification } from "./create-notification.js";
import { StreamReader } from "./stream-reader.js";
import { type TransportName, transportNames, transports } from "./transports.js";

describe.each(storeKinds)("Subscribe: events over every protocol (%s store)", (kind) => {
  let sut: ServiceUnderTest;
  let notifications: Client<typeof NotificationService>;
  const readers: StreamReader[] = [];
  let users = 0;

  beforeAll(async () => {
    sut = await startServiceUnderTest(kind, { streams: { heartbeat_ms: 100 } });
    notifications = createClient(
      NotificationService,
      createConnectTransport({ baseUrl: sut.baseUrl, httpVersion: "1.1" }),
    );
  });
  afterEach(async () => {
    await Promise.all(readers.splice(0).map((r) => r.cancel()));
  });
  afterAll(async () => {
    await sut.close();
  });

  const subscribe = (transport: TransportName, username: string, after = "") => {
    const reader = StreamReader.open(transports[transport](sut.baseUrl), { username, after });
    readers.push(reader);
    return reader;
  };
  const create = (username: string, message = "hello") =>
    createNotification(notifications, username, message, { post: "42" });

  for (const name of transportNames) {
    it(`sends the state, then creates, deletes and a delete-all as they happen, over ${name}`, async () => {
      const username = `events-${users++}`;
      const first = await create(username);
      await notifications.listNotifications({ username }); // the cursor moves past `first`
      const second = await create(username);
      const reader = subscribe(name, username);
      await reader.live();
      const state = reader.events[0]?.event;
      expect(state?.case === "state" && state.value).toMatchObject({
        unseenCount: 1,
        newestId: second.id,
      });

      const third = await create(username, "live");
      await reader.until((r) => r.ids().includes(third.id), "the live notification");
      expect(reader.notifications()).toMatchObject([
        {
          id: third.id,
          category: "like",
          message: "live",
          unseen: true,
          properties: { post: "42" },
        },
      ]);
      expect(reader.notifications()[0]?.createdAt).toEqual(third.createdAt);

      await notifications.deleteNotifications({ username, ids: [first.id] });
      await reader.until((r) => r.kinds().includes("deleted"), "the deleted event");
      await notifications.deleteNotifications({ username, all: true });
      await reader.until((r) => r.kinds().includes("cleared"), "the cleared event");
      expect(reader.kinds()).toEqual(["state", "notification", "deleted", "cleared"]);
      const [deleted, cleared] = reader.events
        .map((e) => e.event)
        .filter((e) => e.case === "deleted" || e.case === "cleared");
      expect(deleted?.case === "deleted" && deleted.value.ids).toEqual([first.id]);
      // Every id up to the mark is gone: the newest notification the delete-all saw.
      expect(cleared?.case === "cleared" && cleared.value).toMatchObject({
        upTo: third.id,
        ids: [],
      });

      await reader.until(
        (r) => r.events.some((e) => e.event.case === "heartbeat"),
        "a heartbeat on the idle stream",
      );
      const heartbeat = reader.events.find((e) => e.event.case === "heartbeat")?.event;
      expect(heartbeat?.case === "heartbeat" && heartbeat.value.time?.seconds).toBeGreaterThan(0n);
      expect(reader.error).toBeUndefined();
    });
  }

  it("streams Connect JSON to a plain fetch over HTTP/1.1, as a browser does", async () => {
    const username = `fetch-${users++}`;
    const before = await create(username);
    const abort = new AbortController();
    const response = await fetch(`${sut.baseUrl}/notification.v1.StreamService/Subscribe`, {
      method: "POST",
      headers: { "content-type": "application/connect+json", "connect-protocol-version": "1" },
      body: envelope({ username }),
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/connect+json");
    const messages = readEnvelopes(response);
    try {
      expect(await messages.next()).toEqual({
        done: false,
        value: {
          state: { unseen_count: 1, newest_id: before.id, total_count: 1, unread_count: 1 },
        },
      });
      const live = await create(username, "to the browser");
      let next = await messages.next();
      while (!next.done && "heartbeat" in next.value) next = await messages.next();
      expect(next.value).toMatchObject({
        notification: { id: live.id, message: "to the browser", unseen: true },
        counts: { total: 2, unseen: 2, unread: 2 },
      });
    } finally {
      abort.abort();
    }
  });

  it("refuses a bad username or after with INVALID_ARGUMENT naming the field", async () => {
    const badUser = subscribe("Connect over HTTP/1.1", "no spaces allowed");
    const badAfter = subscribe("gRPC over h2c", "fine", "not-an-id");
    expect((await badUser.finished())?.code).toBe(Code.InvalidArgument);
    expect((await badAfter.finished())?.code).toBe(Code.InvalidArgument);
    expect(badAfter.error?.rawMessage).toMatch(/^after /);
    expect(badUser.events).toEqual([]);
  });

  it("ends open streams with UNAVAILABLE when the server shuts down", async () => {
    const other = await startServiceUnderTest(kind);
    try {
      const grpc = StreamReader.open(createGrpcTransport({ baseUrl: other.baseUrl }), {
        username: "leaving",
      });
      const connect = StreamReader.open(
        createConnectTransport({ baseUrl: other.baseUrl, httpVersion: "1.1" }),
        { username: "leaving" },
      );
      await Promise.all([grpc.live(), connect.live()]);
      const closing = other.service.close();
      expect((await grpc.finished())?.code).toBe(Code.Unavailable);
      expect((await connect.finished())?.code).toBe(Code.Unavailable);
      await closing;
    } finally {
      await other.close();
    }
  });
});

/** A Connect streaming request body: one envelope (flags 0, big-endian length) of JSON. */
function envelope(message: unknown): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(message));
  const out = new Uint8Array(5 + json.length);
  new DataView(out.buffer).setUint32(1, json.length);
  out.set(json, 5);
  return out;
}

/** The JSON messages of a Connect streaming response, read envelope by envelope. */
async function* readEnvelopes(response: Response): AsyncGenerator<Record<string, unknown>> {
  if (!response.body) throw new Error("no body");
  let buffer: Uint8Array = new Uint8Array(0);
  for await (const chunk of response.body) {
    buffer = concat(buffer, chunk);
    while (buffer.length >= 5) {
      const length = new DataView(buffer.buffer, buffer.byteOffset).getUint32(1);
      if (buffer.length < 5 + length) break;
      const flags = buffer[0] ?? 0;
      const message = JSON.parse(new TextDecoder().decode(buffer.subarray(5, 5 + length)));
      buffer = buffer.subarray(5 + length);
      // Flag 2 marks the end-of-stream envelope, which carries the error, if any.
      if (flags & 2) throw new Error(`the stream ended: ${JSON.stringify(message)}`);
      yield message;
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
