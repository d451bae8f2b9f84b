import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { type Client, createClient, createRouterTransport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import {
  type NotificationFilterSchema,
  NotificationService,
  ReadFilter,
} from "../../src/gen/notification/v1/notification_pb.js";
import { RuleService } from "../../src/gen/notification/v1/rule_pb.js";
import { createApp } from "../../src/service.js";
import { EmbeddedStore } from "../../src/storage/embedded-store.js";
import { CountingStore } from "../../test/support/counting-store.js";
import { testAppOptions } from "../../test/support/module-options.js";
import { type Figure, loadFigure } from "../figure.js";
import { benchRules, fillInbox } from "../fixtures.js";
import { runInterleaved } from "../load-loop.js";
import { protocols, type Scenario } from "../scenario.js";

const full = 1000;
const small = 20;

/** The filter the count figures use: two categories (one with a rule), unread only. */
const filter: MessageInitShape<typeof NotificationFilterSchema> = {
  categories: ["like", "comment"],
  read: ReadFilter.UNREAD,
};

/**
 * Inbox state (issue 14's cost): marking all read is one write whatever the
 * inbox size, and counting a full inbox with a filter costs at most twice
 * counting a 20-item one. Marks in process over the embedded store, writes
 * and bytes counted by a store decorator; counts over gRPC on each store,
 * the two sizes measured in turns, their ratio the figure.
 */
export const stateScenario: Scenario = {
  id: "state",
  async run(context) {
    const figures: Figure[] = [await markAllFigure(context.load.durationMs)];
    for (const store of context.options.stores) {
      const host = await context.service(store);
      const transport = createGrpcTransport({ baseUrl: host.baseUrl });
      const notifications = createClient(NotificationService, transport);
      const rules = createClient(RuleService, transport);
      for (const rule of benchRules) await rules.putRule(rule);
      context.progress(`filling a full (${full}) and a small (${small}) inbox on ${store}`);
      await fillInbox((r) => notifications.createNotification(r), "counted-full", full);
      await fillInbox((r) => notifications.createNotification(r), "counted-small", small);
      const count = (username: string) => () =>
        notifications.countNotifications({ username, filter });
      const [fullFigure, smallFigure] = await context.measure("grpc", {
        [`CountNotifications, ${full} items, filtered · ${store} · ${protocols.grpc}`]:
          count("counted-full"),
        [`CountNotifications, ${small} items, filtered · ${store} · ${protocols.grpc}`]:
          count("counted-small"),
      });
      if (!fullFigure || !smallFigure) throw new Error("no count figures");
      const costRatio = (smallFigure.opsPerSecond ?? 0) / (fullFigure.opsPerSecond ?? 1);
      figures.push({ ...fullFigure, extra: { costOfFullOverSmall: costRatio } }, smallFigure);
    }
    return figures;
  },
};

/** Mark-all-read on a full and on a small inbox, in process: time, writes and bytes per call. */
async function markAllFigure(durationMs: number): Promise<Figure> {
  const dir = await mkdtemp(join(tmpdir(), "notification-state-"));
  const store = new CountingStore(await EmbeddedStore.open(dir));
  const options = testAppOptions();
  const app = createApp(store, options);
  try {
    const notifications: Client<typeof NotificationService> = createClient(
      NotificationService,
      createRouterTransport((router) => app.routes(router)),
    );
    await fillInbox((r) => notifications.createNotification(r), "marker-full", full);
    await fillInbox((r) => notifications.createNotification(r), "marker-small", small);
    const markAll = (username: string) => async () => {
      // Each round has something to mark: one new notification, then all read.
      await notifications.createNotification({ username, category: "like", message: "one more" });
      await notifications.markNotificationsRead({ username, all: true });
    };
    const written = (bucket: "notifications" | "states") => {
      const { puts, bytesPut } = store.of(bucket);
      return { puts, bytes: bytesPut };
    };
    const before = { list: written("notifications"), state: written("states") };
    const load = { concurrency: 1, durationMs: durationMs / 2, warmupMs: 0 };
    const [onFull, onSmall] = await runInterleaved(
      [markAll("marker-full"), markAll("marker-small")],
      load,
    );
    if (!onFull || !onSmall) throw new Error("no mark-all figures");
    // Every round wrote once to its list (the create) and once to its state (the mark-all).
    const rounds = written("notifications").puts - before.list.puts;
    const state = written("states");
    return {
      ...loadFigure(
        `state: create then mark all read, ${full} items · embedded in-process`,
        onFull,
      ),
      extra: {
        markAllWritesPerCall: (state.puts - before.state.puts) / rounds,
        stateBytesPerMarkAll: (state.bytes - before.state.bytes) / rounds,
        listBytesPerCreate: (written("notifications").bytes - before.list.bytes) / rounds,
        smallInboxOpsPerSecond: onSmall.opsPerSecond,
      },
    };
  } finally {
    await app.idle();
    await options.events.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
