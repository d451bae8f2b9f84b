import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import {
  type ChildService,
  childServiceTestTimeoutMs,
  startChildService,
} from "../support/child-service.js";

const writers = 4;

/** Creates notifications for `username` until a call fails; returns the acknowledged ids. */
async function writeUntilRefused(baseUrl: string, username: string, acked: string[]) {
  const client = createClient(NotificationService, createGrpcTransport({ baseUrl }));
  for (let i = 0; ; i++) {
    try {
      const { notification } = await client.createNotification({
        username,
        category: "load",
        message: `message ${i}`,
      });
      acked.push(notification?.id ?? "");
    } catch {
      return;
    }
  }
}

describe("graceful shutdown of the process", () => {
  let dataDir: string;
  const children: ChildService[] = [];
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "notification-shutdown-"));
  });
  afterAll(async () => {
    for (const { child } of children) if (child.exitCode === null) child.kill("SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
  });

  it(
    "on SIGTERM under write load exits 0, and every acknowledged create survives the restart",
    async () => {
      const first = await startChildService({ DATA_DIR: dataDir });
      children.push(first);
      const acked = Array.from({ length: writers }, () => [] as string[]);
      const load = acked.map((ids, w) => writeUntilRefused(first.baseUrl, `load-${w}`, ids));
      await vi.waitFor(() => expect(acked.flat().length).toBeGreaterThanOrEqual(40), {
        timeout: 20_000,
      });
      first.child.kill("SIGTERM");
      await Promise.all(load);
      expect(await first.exited, first.output()).toBe(0);
      expect(first.output()).toMatch(/"signal":"SIGTERM","msg":"shutting down"/);
      expect(first.output()).toMatch(/"msg":"stopped"/);

      const second = await startChildService({ DATA_DIR: dataDir });
      children.push(second);
      const client = createClient(
        NotificationService,
        createGrpcTransport({ baseUrl: second.baseUrl }),
      );
      for (const [w, ids] of acked.entries()) {
        const listed = await client.listNotifications({ username: `load-${w}`, pageSize: 1000 });
        const stored = new Set(listed.notifications.map((n) => n.id));
        expect(ids.filter((id) => !stored.has(id))).toEqual([]);
      }
      second.child.kill("SIGINT");
      expect(await second.exited, second.output()).toBe(0);
    },
    childServiceTestTimeoutMs,
  );
});
