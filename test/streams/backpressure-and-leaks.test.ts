import { type Client, Code, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import {
  type ServiceUnderTest,
  startServiceUnderTest,
  storeKinds,
} from "../support/service-under-test.js";
import { RawGrpcStream } from "./raw-grpc-stream.js";
import { patiently, StreamReader } from "./stream-reader.js";
import { transportNames, transports } from "./transports.js";

const queueSize = 4;

describe.each(storeKinds)(
  "Subscribe: slow subscribers and cancelled streams (%s store)",
  (kind) => {
    let sut: ServiceUnderTest;
    let notifications: Client<typeof NotificationService>;

    beforeAll(async () => {
      sut = await startServiceUnderTest(kind, { streams: { queue_size: queueSize } });
      notifications = createClient(
        NotificationService,
        createConnectTransport({ baseUrl: sut.baseUrl, httpVersion: "1.1" }),
      );
    });
    afterAll(async () => {
      await sut.close();
    });

    // Streams per user hang off one bus listener per user (the counted feed).
    const stats = () => sut.service.app.streams.stats();
    // About 30 KB each: a few fill the HTTP/2 flow-control window of a client that stops reading.
    const bigProperties = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`key${i}`, "x".repeat(1000)]),
    );

    it("ends a subscriber that stops reading with RESOURCE_EXHAUSTED, frees it at once, and it resumes losing nothing", async () => {
      const username = "slow-reader";
      const slow = new RawGrpcStream(sut.baseUrl, { username });
      await vi.waitFor(
        () => expect(stats().listeners, "the slow subscriber to join").toBe(1),
        patiently,
      );

      // The client reads nothing while notifications keep coming.
      const created: string[] = [];
      await vi.waitFor(async () => {
        const { notification } = await notifications.createNotification({
          username,
          category: "like",
          message: "big",
          properties: bigProperties,
        });
        created.push(notification?.id ?? "");
        expect(
          stats().listeners,
          `the server to drop the slow subscriber (created ${created.length})`,
        ).toBe(0);
      }, patiently);
      // The server let go of it while the client still holds the stream unread.
      expect(stats()).toEqual({ channels: 0, listeners: 0 });

      const outcome = await slow.readToEnd();
      expect(outcome.status).toBe(Code.ResourceExhausted);
      expect(outcome.message).toMatch(/resubscribe with after/);
      expect(outcome.responses[0]?.event.case).toBe("state");
      const received = outcome.responses.flatMap((r) =>
        r.event.case === "notification" ? [r.event.value.id] : [],
      );
      // What did arrive is a prefix of what was created, in order: nothing in between is missing.
      expect(received).toEqual(created.slice(0, received.length));
      expect(received.length).toBeLessThan(created.length);

      const resumed = StreamReader.open(createGrpcTransport({ baseUrl: sut.baseUrl }), {
        username,
        after: received.at(-1) ?? "",
      });
      await resumed.until(
        (r) => received.length + r.ids().length >= created.length,
        "the replay of what the slow subscriber missed",
      );
      await resumed.cancel();
      expect([...received, ...resumed.ids()]).toEqual(created);
    });

    it("frees every listener and subscription after many subscribe and cancel cycles", async () => {
      const cycles = 60;
      for (let i = 0; i < cycles; i++) {
        const name = transportNames[i % transportNames.length] ?? "gRPC over h2c";
        const reader = StreamReader.open(transports[name](sut.baseUrl), {
          username: `cycler-${i % 7}`,
        });
        // Half are cancelled once live, half at once (possibly before the server even saw them).
        if (i % 2 === 0) await reader.live();
        await reader.cancel();
      }
      // Several open at once on the same users, then all cancelled together.
      const open = Array.from({ length: 20 }, (_, i) =>
        StreamReader.open(createGrpcTransport({ baseUrl: sut.baseUrl }), {
          username: `crowd-${i % 3}`,
        }),
      );
      await Promise.all(open.map((r) => r.live()));
      expect(stats()).toEqual({ channels: 3, listeners: 20 });
      expect(sut.service.events.stats()).toEqual({ channels: 3, listeners: 3 });
      const metrics = async () =>
        (await fetch(`http://127.0.0.1:${sut.service.adminPort}/metrics`)).text();
      expect(await metrics()).toMatch(/^notification_stream_listeners 20$/m);
      expect(await metrics()).toMatch(/^notification_stream_channels 3$/m);
      await Promise.all(open.map((r) => r.cancel()));
      await vi.waitFor(
        () => expect(stats(), "every listener freed").toEqual({ channels: 0, listeners: 0 }),
        patiently,
      );
      expect(sut.service.events.stats()).toEqual({ channels: 0, listeners: 0 });
      expect(await metrics()).toMatch(/^notification_stream_listeners 0$/m);
    });
  },
);
