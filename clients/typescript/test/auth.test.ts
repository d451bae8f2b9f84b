import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authConfig, startAuthService } from "../../../test/auth/auth-service.js";
import { signToken, testSecret } from "../../../test/auth/token-factory.js";
import type { ServiceUnderTest } from "../../../test/support/service-under-test.js";
import { Code, ConnectError, createNotificationClient } from "../src/index.js";
import { EventLog } from "./event-log.js";
import { protocols } from "./protocols.js";
import { stored } from "./stored.js";

const poll = { timeout: 20_000 };

let sut: ServiceUnderTest;
let producerToken: string;
beforeAll(async () => {
  sut = await startAuthService(
    authConfig({ mode: "jwt", jwt: { secret: testSecret, leeway_s: "0" } }),
  );
  producerToken = await signToken({ claims: { sub: "producer", scope: "notifications:write" } });
});
afterAll(async () => {
  await sut.close();
});

/** A token for `user` that expires 2 to 3 seconds from now, at a whole second. */
const shortLived = (user: string) =>
  signToken({ claims: { sub: user, exp: Math.floor(Date.now() / 1000) + 3 } });

describe("a client with a token", () => {
  it("sends it on every call; without one the service refuses", async () => {
    const producer = createNotificationClient(sut.baseUrl, { token: producerToken });
    await stored(producer.createNotification("tok-ann", { category: "like", message: "hi" }));
    const anonymous = createNotificationClient(sut.baseUrl);
    const error = await anonymous.listNotifications("tok-ann").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.Unauthenticated);
    const ann = createNotificationClient(sut.baseUrl, {
      token: await signToken({ claims: { sub: "tok-ann" } }),
    });
    expect((await ann.listNotifications("tok-ann")).notifications).toHaveLength(1);
    const other = await ann.listNotifications("tok-bob").catch((e: unknown) => e);
    expect((other as ConnectError).code).toBe(Code.PermissionDenied);
  });

  it("asks a token function before every call", async () => {
    let asked = 0;
    const client = createNotificationClient(sut.baseUrl, {
      token: async () => {
        asked++;
        return producerToken;
      },
    });
    await stored(client.createNotification("tok-fn", { category: "like", message: "1" }));
    await stored(client.createNotification("tok-fn", { category: "like", message: "2" }));
    expect(asked).toBe(2);
  });
});

describe.concurrent.each(protocols)("a subscription whose token expires (%s)", (name, options) => {
  it("reconnects with a fresh token and resumes after what it had, losing nothing", async ({
    expect,
  }) => {
    const username = `expiring-${name}`;
    const producer = createNotificationClient(sut.baseUrl, { token: producerToken });
    const created: string[] = [];
    let tokens = 0;
    const client = createNotificationClient(sut.baseUrl, {
      ...options,
      token: async () => {
        tokens++;
        // The reconnect: something arrives while no stream is open.
        if (tokens === 2) {
          created.push(
            (
              await stored(
                producer.createNotification(username, { category: "like", message: "away" }),
              )
            ).id,
          );
        }
        return shortLived(username);
      },
    });
    const retries: ConnectError[] = [];
    const controller = new AbortController();
    const log = new EventLog(
      client.subscribe(username, { signal: controller.signal, onRetry: (e) => retries.push(e) }),
    );
    try {
      await expect.poll(() => log.states(), poll).toBe(1);
      created.push(
        (
          await stored(
            producer.createNotification(username, { category: "like", message: "before" }),
          )
        ).id,
      );
      await expect.poll(() => log.notificationIds(), poll).toEqual(created.slice(0, 1));
      // The first token expires; the client reconnects with the second.
      await expect.poll(() => log.states(), poll).toBe(2);
      expect(retries.map((e) => e.code)).toEqual([Code.Unauthenticated]);
      created.push(
        (
          await stored(
            producer.createNotification(username, { category: "like", message: "after" }),
          )
        ).id,
      );
      await expect.poll(() => log.notificationIds(), poll).toEqual(created);
    } finally {
      controller.abort();
      await log.ended();
    }
  });
});

describe("a subscription with a fixed token", () => {
  it("ends with UNAUTHENTICATED when the token expires: it cannot get a fresh one", async () => {
    const username = "fixed-token";
    const client = createNotificationClient(sut.baseUrl, { token: await shortLived(username) });
    const log = new EventLog(client.subscribe(username));
    await log.ended();
    expect(() => log.states()).toThrow(/the token has expired; reconnect with a fresh one/);
  });

  it("throws at once when a token function's fresh token is refused too", async () => {
    const client = createNotificationClient(sut.baseUrl, { token: () => "not-a-jwt" });
    const log = new EventLog(client.subscribe("refused"));
    await log.ended();
    expect(() => log.states()).toThrow(/not a signed JWT/);
  });
});
