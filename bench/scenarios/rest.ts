import type { Figure } from "../figure.js";
import { notificationRequest } from "../fixtures.js";
import { Http1JsonClient } from "../http1-json-client.js";
import { protocols, type Scenario } from "../scenario.js";

const listed = 20;
const users = 1000;
const rpc = "/notification.v1.NotificationService";

/**
 * The REST transcoder's overhead: the same RPCs over REST and over Connect
 * JSON, both HTTP/1.1 through one bare client, so the difference is the
 * server's, measured in turns (with the no-op) so that outside load falls on
 * all alike. ListNotifications of a 20-item inbox (GET) and CreateNotification
 * over 1,000 users round-robin (POST with a body).
 */
export const restScenario: Scenario = {
  id: "rest",
  async run(context) {
    const host = await context.service(context.options.stores[0] ?? "embedded");
    const http = new Http1JsonClient(host.baseUrl, context.load.concurrency);
    try {
      for (let i = 0; i < listed; i++) {
        await http.send("POST", `${rpc}/CreateNotification`, notificationRequest("rester", i));
      }
      const probe = await http.send("GET", "/v1/notifications/rester").then(
        () => undefined,
        (error: unknown) => String(error),
      );
      if (probe !== undefined) {
        return [{ name: "REST transcoder", skipped: `REST routes do not answer: ${probe}` }];
      }
      const pairs = {
        [`ListNotifications, ${listed} items`]: {
          connect: () => http.send("POST", `${rpc}/ListNotifications`, { username: "rester" }),
          rest: () => http.send("GET", "/v1/notifications/rester"),
        },
        [`CreateNotification, ${users} users round-robin`]: {
          connect: (i: number) =>
            http.send(
              "POST",
              `${rpc}/CreateNotification`,
              notificationRequest(`rc-${i % users}`, i),
            ),
          rest: (i: number) => {
            const { username, ...body } = notificationRequest(`rr-${i % users}`, i);
            return http.send("POST", `/v1/notifications/${username}`, body);
          },
        },
      };
      const figures: Figure[] = [];
      for (const [call, pair] of Object.entries(pairs)) {
        const [connect, rest] = (await context.measure("connect", {
          [`${call} · ${host.store} · ${protocols.connect}`]: pair.connect,
          [`${call} · ${host.store} · ${protocols.rest}`]: pair.rest,
        })) as [Figure, Figure];
        const restOverConnect = (rest.opsPerSecond ?? 0) / (connect.opsPerSecond ?? 1);
        figures.push(connect, { ...rest, extra: { restOverConnect } });
      }
      return figures;
    } finally {
      http.close();
    }
  },
};
