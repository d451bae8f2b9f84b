import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import { emptyHead } from "../../src/domain/inbox-head.js";
import type { StoredNotification } from "../../src/domain/notification.js";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { RuleService } from "../../src/gen/notification/v1/rule_pb.js";
import { createApp } from "../../src/service.js";
import { EmbeddedStore } from "../../src/storage/embedded-store.js";
import { encodeHead } from "../../src/storage/head-codec.js";
import { CountingStore } from "../../test/support/counting-store.js";
import { testAppOptions } from "../../test/support/module-options.js";
import { type Figure, loadFigure } from "../figure.js";
import { benchRules, fillInbox, notificationRequest } from "../fixtures.js";
import { runLoad } from "../load-loop.js";
import type { Scenario } from "../scenario.js";

const sizes = [10, 100, 1000] as const;

/**
 * How a call's cost grows with the list: one user's list held at 10, 100 and
 * 1,000 notifications (retention set to the size, so every create keeps it
 * full), one call at a time, in process over the embedded store (no network).
 * Per create: time and bytes written (counted by a store decorator), and at
 * 1,000 their share of the whole list's bytes (what writing the list as one
 * object costs: the goal is 5 % at most); per list (first page,
 * three rules): time.
 */
export const costGrowthScenario: Scenario = {
  id: "cost",
  async run(context) {
    const figures: Figure[] = [];
    const load = { concurrency: 1, durationMs: context.load.durationMs / 2, warmupMs: 0 };
    for (const size of sizes) {
      const dir = await mkdtemp(join(tmpdir(), "notification-cost-"));
      const store = new CountingStore(await EmbeddedStore.open(dir));
      const options = testAppOptions({ retention: size });
      const app = createApp(store, options);
      try {
        const transport = createRouterTransport((router) => app.routes(router));
        const notifications = createClient(NotificationService, transport);
        const rules = createClient(RuleService, transport);
        for (const rule of benchRules) await rules.putRule(rule);
        await fillInbox((r) => notifications.createNotification(r), "grower", size);
        const create = (i: number) =>
          notifications.createNotification(notificationRequest("grower", size + i));
        for (let i = 0; i < 20; i++) await create(i);
        const put = { bytes: store.total.bytesPut, count: store.total.puts };
        const created = await runLoad(create, load);
        const bytesPerCreate = (store.total.bytesPut - put.bytes) / created.calls;
        const putsPerCreate = (store.total.puts - put.count) / created.calls;
        const whole = await wholeListBytes(notifications, size);
        figures.push({
          ...loadFigure(`cost: create at list size ${size} · embedded in-process`, created),
          extra: { bytesPerCreate, putsPerCreate, wholeListBytes: whole },
        });
        if (size === 1000) {
          figures.push({
            name: "ratio: bytes written per create at 1000 over the whole list · embedded",
            extra: { share: bytesPerCreate / whole, goal: 0.05 },
          });
        }
        const list = () => notifications.listNotifications({ username: "grower" });
        for (let i = 0; i < 20; i++) await list();
        const read = store.total.bytesRead;
        const listed = await runLoad(list, load);
        figures.push({
          ...loadFigure(`cost: list at list size ${size} · embedded in-process`, listed),
          extra: { bytesReadPerList: (store.total.bytesRead - read) / listed.calls },
        });
      } finally {
        await app.idle();
        await options.events.close();
        await store.close();
        await rm(dir, { recursive: true, force: true });
      }
    }
    return figures;
  },
};

/** The bytes of the user's whole list written as one object (the single-object layout). */
async function wholeListBytes(
  notifications: ReturnType<typeof createClient<typeof NotificationService>>,
  size: number,
): Promise<number> {
  const page = await notifications.listNotifications({ username: "grower", pageSize: size });
  const all: StoredNotification[] = [];
  for (const item of page.notifications) {
    for (const n of [item, ...item.notifications]) {
      all.push({
        id: n.id,
        category: n.category,
        message: n.message,
        createdAt: Number(n.createdAt?.seconds ?? 0) * 1000 + (n.createdAt?.nanos ?? 0) / 1e6,
        properties: n.properties,
      });
    }
  }
  // A head without segments is the single-object layout, byte for byte.
  return encodeHead({ ...emptyHead, notifications: all }).byteLength;
}
