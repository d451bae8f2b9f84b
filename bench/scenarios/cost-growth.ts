import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { RuleService } from "../../src/gen/notification/v1/rule_pb.js";
import { createApp } from "../../src/service.js";
import { EmbeddedStore } from "../../src/storage/embedded-store.js";
import { testAppOptions } from "../../test/support/module-options.js";
import { CountingStore } from "../counting-store.js";
import { type Figure, loadFigure } from "../figure.js";
import { benchRules, fillInbox, notificationRequest } from "../fixtures.js";
import { runLoad } from "../load-loop.js";
import type { Scenario } from "../scenario.js";

const sizes = [10, 100, 1000] as const;

/**
 * How a call's cost grows with the list: one user's list held at 10, 100 and
 * 1,000 notifications (retention set to the size, so every create keeps it
 * full), one call at a time, in process over the embedded store (no network).
 * Per create: time and bytes written (counted by a store decorator); per
 * list (first page, three rules): time.
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
        const put = { bytes: store.bytesPut, count: store.puts };
        const created = await runLoad(create, load);
        const bytesPerCreate = (store.bytesPut - put.bytes) / created.calls;
        const putsPerCreate = (store.puts - put.count) / created.calls;
        figures.push({
          ...loadFigure(`cost: create at list size ${size} · embedded in-process`, created),
          extra: { bytesPerCreate, putsPerCreate },
        });
        const list = () => notifications.listNotifications({ username: "grower" });
        for (let i = 0; i < 20; i++) await list();
        const read = store.bytesRead;
        const listed = await runLoad(list, load);
        figures.push({
          ...loadFigure(`cost: list at list size ${size} · embedded in-process`, listed),
          extra: { bytesReadPerList: (store.bytesRead - read) / listed.calls },
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
