import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { StreamService } from "../../src/gen/notification/v1/stream_pb.js";
import { sample } from "../operability/metrics-text.js";
import { type TransportName, transportNames, transports } from "../streams/transports.js";
import type { ServiceUnderTest } from "../support/service-under-test.js";
import { authConfig, bearer, startAuthService } from "./auth-service.js";
import { signToken, testSecret } from "./token-factory.js";

const subscribe = "notification.v1.StreamService/Subscribe";

let sut: ServiceUnderTest;
let producer: string;
beforeAll(async () => {
  sut = await startAuthService(
    authConfig({ mode: "jwt", jwt: { secret: testSecret, leeway_s: "0" } }),
  );
  producer = await signToken({ claims: { sub: "producer", scope: "notifications:write" } });
});
afterAll(async () => {
  await sut.close();
});

describe.concurrent("a stream outliving its token", () => {
  it.each(transportNames)(
    "ends with UNAUTHENTICATED at its expiry, after delivering what came before (%s)",
    async (name: TransportName) => {
      const username = `expiring-${name.replace(/\W/g, "")}`;
      // A whole second 2 to 3 seconds ahead: the token's exp.
      const exp = Math.floor(Date.now() / 1000) + 3;
      const token = await signToken({ claims: { sub: username, exp } });
      const transport = transports[name](sut.baseUrl);
      const notifications = createClient(NotificationService, transport);
      const events: string[] = [];
      let endedAt = 0;
      const run = (async () => {
        try {
          for await (const { event } of createClient(StreamService, transport).subscribe(
            { username },
            { headers: bearer(token) },
          )) {
            events.push(event.case ?? "unknown");
            if (event.case === "state") {
              await notifications.createNotification(
                { username, category: "like", message: "before expiry" },
                { headers: bearer(producer) },
              );
            }
          }
          events.push("end without error");
        } catch (error) {
          endedAt = Date.now();
          const e = ConnectError.from(error);
          events.push(`${Code[e.code]}: ${e.rawMessage}`);
        }
      })();
      await vi.waitFor(() => expect(events.length).toBeGreaterThanOrEqual(3), {
        timeout: 20_000,
        interval: 100,
      });
      await run;
      expect(events).toEqual([
        "state",
        "notification",
        "Unauthenticated: the token has expired; reconnect with a fresh one",
      ]);
      // Not before its expiry.
      expect(endedAt).toBeGreaterThanOrEqual(exp * 1000);
    },
  );
});

describe("after the expired streams", () => {
  it("holds no subscription: the handlers finished and left the event bus", async () => {
    const metrics = sut.service.metrics.registry;
    await vi.waitFor(
      async () => {
        const text = await metrics.metrics();
        expect(sample(text, "notification_rpc_open_streams", { method: subscribe })).toBe(0);
        expect(sample(text, "notification_stream_listeners")).toBe(0);
      },
      { timeout: 10_000, interval: 100 },
    );
  });
});
