import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningService, startService } from "../../../src/service.js";
import {
  mergeConfig,
  type ServiceUnderTest,
  startServiceUnderTest,
} from "../../../test/support/service-under-test.js";
import { type ConnectError, createNotificationClient } from "../src/index.js";
import { EventLog } from "./event-log.js";
import { protocols } from "./protocols.js";
import { stored } from "./stored.js";

// Reconnects come quickly in tests; the defaults start at 250 ms.
const reconnect = { initialDelayMs: 20, maxDelayMs: 200 };
const poll = { timeout: 20_000 };

describe("subscribe against a running server", () => {
  let sut: ServiceUnderTest;
  beforeAll(async () => {
    sut = await startServiceUnderTest("embedded");
  });
  afterAll(async () => {
    await sut.close();
  });

  it.each(protocols)(
    "delivers a notification created during the subscription (%s)",
    async (name, options) => {
      const username = `live-${name}`;
      const client = createNotificationClient(sut.baseUrl, options);
      const earlier = await stored(
        client.createNotification(username, {
          category: "like",
          message: "old",
        }),
      );
      const controller = new AbortController();
      const log = new EventLog(client.subscribe(username, { signal: controller.signal }));
      try {
        await expect.poll(() => log.states(), poll).toBe(1);
        expect(log.events[0]).toMatchObject({
          case: "state",
          value: { newestId: earlier.id, unseenCount: 1 },
        });
        const created = await stored(
          client.createNotification(username, {
            category: "like",
            message: "new",
          }),
        );
        await expect.poll(() => log.notificationIds(), poll).toEqual([created.id]);
        expect(log.events[1]).toMatchObject({
          case: "notification",
          value: { id: created.id, message: "new", unseen: true },
        });
      } finally {
        controller.abort();
        await log.ended();
      }
    },
  );

  it("replays what is newer than `after`, then goes live", async () => {
    const username = "replayed";
    const client = createNotificationClient(sut.baseUrl);
    const ids: string[] = [];
    for (const message of ["a", "b", "c"]) {
      ids.push(
        (await stored(client.createNotification(username, { category: "like", message }))).id,
      );
    }
    const controller = new AbortController();
    const log = new EventLog(
      client.subscribe(username, { after: ids[0] ?? "", signal: controller.signal }),
    );
    try {
      await expect.poll(() => log.notificationIds(), poll).toEqual(ids.slice(1));
      const live = await stored(
        client.createNotification(username, { category: "like", message: "d" }),
      );
      await expect.poll(() => log.notificationIds(), poll).toEqual([...ids.slice(1), live.id]);
    } finally {
      controller.abort();
      await log.ended();
    }
  });
});

/** The service on `port` (0: any) over the embedded store in `dataDir`. */
function startOn(dataDir: string, port: number): Promise<RunningService> {
  return startService(
    mergeConfig({
      server: { port, admin_port: 0, host: "127.0.0.1", drain_ms: 1000 },
      storage: { data_dir: dataDir },
      log: { level: "silent" },
    }),
  );
}

describe.each(protocols)(
  "a subscription over %s across a restart of the server",
  (_name, options) => {
    it("delivers what was created while it was disconnected, once, then goes live again", async () => {
      const dataDir = await mkdtemp(join(tmpdir(), "client-reconnect-"));
      const username = "ann";
      let running: RunningService | undefined = await startOn(dataDir, 0);
      const port = running.port;
      const client = createNotificationClient(`http://127.0.0.1:${port}`, options);
      const controller = new AbortController();
      const retries: ConnectError[] = [];
      const log = new EventLog(
        client.subscribe(username, {
          signal: controller.signal,
          reconnect,
          onRetry: (error) => retries.push(error),
        }),
      );
      try {
        await expect.poll(() => log.states(), poll).toBe(1);
        const before = await stored(
          client.createNotification(username, {
            category: "like",
            message: "1",
          }),
        );
        await expect.poll(() => log.notificationIds(), poll).toEqual([before.id]);

        await running.close();
        running = undefined;
        await expect.poll(() => retries.length, poll).toBeGreaterThan(0);

        // Another instance, on a port the subscriber does not know, takes a write meanwhile.
        const other = await startOn(dataDir, 0);
        const missed = await stored(
          createNotificationClient(`http://127.0.0.1:${other.port}`).createNotification(username, {
            category: "like",
            message: "2",
          }),
        );
        await other.close();

        running = await startOn(dataDir, port);
        await expect.poll(() => log.notificationIds(), poll).toEqual([before.id, missed.id]);
        const after = await stored(
          client.createNotification(username, { category: "like", message: "3" }),
        );
        await expect
          .poll(() => log.notificationIds(), poll)
          .toEqual([before.id, missed.id, after.id]);
        expect(log.states()).toBe(2);
      } finally {
        controller.abort();
        await log.ended();
        await running?.close();
        await rm(dataDir, { recursive: true, force: true });
      }
    });
  },
);
