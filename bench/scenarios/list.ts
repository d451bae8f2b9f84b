import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { RuleService } from "../../src/gen/notification/v1/rule_pb.js";
import type { Figure } from "../figure.js";
import { benchRules, fillInbox } from "../fixtures.js";
import { protocols, type Scenario } from "../scenario.js";

const fullList = 1000;

/**
 * ListNotifications (first page, default size) of a user whose list is full,
 * with three rollup rules active, over gRPC on each store. The cursor has
 * already moved, so each call reads and rolls up without writing. The page's
 * 20 items carry their rollups' members: most of the list.
 */
export const listScenario: Scenario = {
  id: "list",
  async run(context) {
    const figures: Figure[] = [];
    for (const store of context.options.stores) {
      const host = await context.service(store);
      const transport = createGrpcTransport({ baseUrl: host.baseUrl });
      const notifications = createClient(NotificationService, transport);
      const rules = createClient(RuleService, transport);
      for (const rule of benchRules) await rules.putRule(rule);
      context.progress(`filling the lister's list (${fullList}) on ${store}`);
      await fillInbox((r) => notifications.createNotification(r), "lister", fullList);
      const page = await notifications.listNotifications({ username: "lister" });
      const shown = page.notifications.reduce((sum, n) => sum + 1 + n.notifications.length, 0);
      const [figure] = await context.measure("grpc", {
        [`ListNotifications, full list, 3 rules · ${store} · ${protocols.grpc}`]: () =>
          notifications.listNotifications({ username: "lister" }),
      });
      figures.push({
        ...(figure as Figure),
        // Rollup children travel with their heads: one page carries far more than 20.
        extra: { itemsPerPage: page.notifications.length, notificationsPerPage: shown },
      });
    }
    return figures;
  },
};
