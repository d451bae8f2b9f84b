import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it, vi } from "vitest";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { EmbeddedStore } from "../../src/storage/embedded-store.js";
import { decodeHead } from "../../src/storage/head-codec.js";
import type { KeyValueStore } from "../../src/storage/key-value-store.js";
import { createRiakStore } from "../../src/storage/riak-store.js";
import {
  type ChildService,
  childServiceTestTimeoutMs,
  startChildService,
} from "../support/child-service.js";
import { testRiakOptions } from "../support/module-options.js";
import { type RiakTestCluster, startRiakTestCluster } from "../support/riak-node/index.js";
import { type StoreKind, storeKinds } from "../support/service-under-test.js";

const holdAfterSeal = fileURLToPath(new URL("../support/hold-head-after-seal.ts", import.meta.url));

let dir: string;
let cluster: RiakTestCluster | undefined;
const children: ChildService[] = [];
afterEach(async () => {
  for (const { child } of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await cluster?.close();
  cluster = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** Where a child service of `kind` keeps its data. */
async function storage(kind: StoreKind): Promise<Record<string, string>> {
  dir = await mkdtemp(join(tmpdir(), "seal-crash-"));
  if (kind === "embedded") return { DATA_DIR: dir };
  cluster = await startRiakTestCluster({
    nodes: 3,
    bucketTypes: { notifications: { allowMult: true, dvvEnabled: true } },
  });
  return { RIAK_NODES: cluster.nodeList, DATA_DIR: dir };
}

/** The store the children used, opened by the test once they are gone. */
function openStore(kind: StoreKind): Promise<KeyValueStore> {
  if (kind === "embedded") return EmbeddedStore.open(dir);
  return createRiakStore(testRiakOptions(cluster?.nodeList ?? ""));
}

async function start(env: Record<string, string>, nodeOptions: string[] = []) {
  const service = await startChildService(env, nodeOptions);
  children.push(service);
  const client = createClient(
    NotificationService,
    createConnectTransport({ baseUrl: service.baseUrl, httpVersion: "1.1" }),
  );
  return { service, client };
}

describe.each(storeKinds)("kill -9 in the middle of a seal, on the %s store", (kind) => {
  it(
    "loses nothing acknowledged and shows nothing twice; the segment left behind is never read",
    async () => {
      const env = await storage(kind);
      const first = await start(env, ["--import", holdAfterSeal]);
      const acknowledged: string[] = [];
      // The head holds 40 (storage.head_limit); the 41st create seals, and its head write is held.
      for (let i = 0; i < 40; i++) {
        const res = await first.client.createNotification({
          username: "kim",
          category: "like",
          message: `${i}`,
        });
        acknowledged.push(res.notification?.id ?? "");
      }
      const sealing = first.client
        .createNotification({ username: "kim", category: "like", message: "seals" })
        .catch((error: unknown) => error);
      await vi.waitFor(() => expect(first.service.output()).toContain("holding the head write"), {
        timeout: 20_000,
        interval: 20,
      });
      const sealed = /"sealed":"([^"]+)"/.exec(first.service.output())?.[1] ?? "";
      first.service.child.kill("SIGKILL");
      await first.service.exited;
      expect(await sealing).toBeInstanceOf(Error);

      const second = await start(env);
      const listed = await second.client.listNotifications({ username: "kim", pageSize: 1000 });
      const ids = listed.notifications.map((n) => n.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual([...acknowledged].reverse());
      // The next create seals again, under a new key; still each notification once.
      for (let i = 0; i < 10; i++) {
        const res = await second.client.createNotification({
          username: "kim",
          category: "like",
          message: `after ${i}`,
        });
        acknowledged.push(res.notification?.id ?? "");
      }
      const after = await second.client.listNotifications({ username: "kim", pageSize: 1000 });
      expect(after.notifications.map((n) => n.id)).toEqual([...acknowledged].reverse());
      second.service.child.kill("SIGTERM");
      await second.service.exited;

      // The segment of the interrupted seal is stored, and no head references it.
      const store = await openStore(kind);
      try {
        expect((await store.get("segments", sealed)).values).toHaveLength(1);
        const head = decodeHead(
          (await store.get("notifications", "kim")).values[0] ?? new Uint8Array(),
        );
        expect(head.segments.length).toBeGreaterThan(0);
        expect(head.segments.map((ref) => `kim/${ref.key}`)).not.toContain(sealed);
      } finally {
        await store.close();
      }
    },
    childServiceTestTimeoutMs,
  );

  it(
    "loses nothing acknowledged when killed in the middle of a write load that seals",
    async () => {
      const env = await storage(kind);
      const first = await start(env);
      const users = ["u1", "u2", "u3", "u4"];
      const acknowledged: string[] = [];
      let killed = false;
      const writer = async (user: string) => {
        for (let i = 0; !killed; i++) {
          try {
            const res = await first.client.createNotification({
              username: user,
              category: "load",
              message: `m${i}`,
            });
            if (res.notification) acknowledged.push(`${user}/${res.notification.id}`);
          } catch {
            return; // the process is gone: unacknowledged writes may or may not have landed
          }
        }
      };
      const writers = users.map(writer);
      // Past a head's limit (40) for each user: every inbox has sealed by then.
      await vi.waitFor(() => expect(acknowledged.length).toBeGreaterThanOrEqual(240), {
        timeout: 30_000,
        interval: 10,
      });
      first.service.child.kill("SIGKILL");
      killed = true;
      await first.service.exited;
      await Promise.all(writers);

      const second = await start(env);
      const stored: string[] = [];
      for (const user of users) {
        const res = await second.client.listNotifications({ username: user, pageSize: 1000 });
        for (const n of res.notifications) stored.push(`${user}/${n.id}`);
      }
      expect(new Set(stored).size).toBe(stored.length);
      expect(acknowledged.filter((id) => !stored.includes(id))).toEqual([]);
    },
    childServiceTestTimeoutMs,
  );
});
