import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import type { Figure } from "../figure.js";
import { fillInbox, notificationRequest } from "../fixtures.js";
import { protocols, type Scenario } from "../scenario.js";

const users = 1000;
const fullList = 1000;

/**
 * CreateNotification over gRPC on each store: spread over 1,000 users
 * round-robin (one write per call), and all on one hot user whose list is
 * full (calls queue on one key and group commit batches them).
 */
export const createScenario: Scenario = {
  id: "create",
  async run(context) {
    const figures: Figure[] = [];
    for (const store of context.options.stores) {
      const host = await context.service(store);
      const client = createClient(
        NotificationService,
        createGrpcTransport({ baseUrl: host.baseUrl }),
      );
      figures.push(
        ...(await context.measure("grpc", {
          [`CreateNotification, ${users} users round-robin · ${store} · ${protocols.grpc}`]: (i) =>
            client.createNotification(notificationRequest(`rr-${i % users}`, i)),
        })),
      );
      context.progress(`filling the hot user's list (${fullList}) on ${store}`);
      await fillInbox((r) => client.createNotification(r), "hot", fullList);
      figures.push(
        ...(await context.measure("grpc", {
          [`CreateNotification, one hot user, full list · ${store} · ${protocols.grpc}`]: (i) =>
            client.createNotification(notificationRequest("hot", i)),
        })),
      );
    }
    return figures;
  },
};
