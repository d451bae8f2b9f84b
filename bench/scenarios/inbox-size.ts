import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { StreamService } from "../../src/gen/notification/v1/stream_pb.js";
import type { StoreKind } from "../../test/support/service-under-test.js";
import type { Figure } from "../figure.js";
import { fillInbox, notificationRequest } from "../fixtures.js";
import { Http1JsonClient } from "../http1-json-client.js";
import { RiakFloorClient } from "../riak-floor-client.js";
import type { BenchContext, Scenario } from "../scenario.js";
import { type RiakNodes, type ServiceHost, startRiakNodes } from "../service-host.js";

/** Inbox sizes of the create figures: each on a service whose retention is that size. */
const sizes = [10, 100, 1000] as const;
/** Users per size: one per call in flight, so that group commit does not batch their creates. */
const users = 32;
/** The size of the small inbox the list and state figures compare the full one with. */
const small = 20;

/** Subscribe calls, each ended by a stream reset, per HTTP/2 connection. */
const resetsPerConnection = 400;

const create = "/notification.v1.NotificationService/CreateNotification";
const list = "/notification.v1.NotificationService/ListNotifications";

/**
 * What a call costs as the inbox grows (issue 13, contract §13), through the
 * server over Connect JSON and HTTP/1.1 (the subscription over gRPC), on each
 * store:
 * - CreateNotification on an empty inbox (a new user per call) and on
 *   inboxes held at 10, 100 and 1,000 (a service per size, whose retention is
 *   that size, so every create keeps the inbox full), in turns;
 * - on Riak, in the same turns, the storage floor: the bench's own raw get
 *   and put of a 1 KB object ({@link RiakFloorClient}) against the same nodes;
 * - ListNotifications, first page, no rules, of a 20-item and a 1,000-item inbox;
 * - Subscribe until its first event (the state, whose unseen count covers the
 *   whole inbox: these users never listed), on the same inboxes.
 * Then the ratios, each against its goal.
 */
export const inboxSizeScenario: Scenario = {
  id: "sizes",
  async run(context) {
    const figures: Figure[] = [];
    for (const store of context.options.stores) {
      figures.push(...(await measureStore(context, store)));
    }
    return figures;
  },
};

async function measureStore(context: BenchContext, store: StoreKind): Promise<Figure[]> {
  const riak: RiakNodes | undefined = store === "riak" ? await startRiakNodes() : undefined;
  const hosts = new Map<number, ServiceHost>();
  const clients: Http1JsonClient[] = [];
  let floor: RiakFloorClient | undefined;
  // Usernames unique to this run, so that a real cluster's earlier data does not count.
  const run = `b${Date.now().toString(36)}`;
  const user = (size: number, i: number) => `${run}-${size}-${i % users}`;
  try {
    for (const size of sizes) {
      const host = await context.freshService(store, {
        retention: size,
        ...(riak && { riakNodes: riak }),
      });
      hosts.set(size, host);
    }
    const client = (size: number) => {
      const host = hosts.get(size);
      if (!host) throw new Error(`no service for size ${size}`);
      const http = new Http1JsonClient(host.baseUrl, context.load.concurrency);
      clients.push(http);
      return http;
    };
    const bySize = new Map(sizes.map((size) => [size, client(size)]));
    const full = bySize.get(1000) as Http1JsonClient;
    for (const [size, http] of bySize) {
      context.progress(`filling ${users} inboxes of ${size} on ${store}`);
      for (let i = 0; i < users; i++) {
        await fillInbox((r) => http.send("POST", create, r), user(size, i), size);
      }
    }
    for (let i = 0; i < users; i++) {
      await fillInbox((r) => full.send("POST", create, r), user(small, i), small);
    }

    const createCalls: Record<string, (i: number) => Promise<unknown>> = {
      [`create · empty inbox (a new user per call) · ${store}`]: (i) =>
        full.send("POST", create, notificationRequest(`${run}-new-${i}`, i)),
    };
    for (const [size, http] of bySize) {
      createCalls[`create · inbox of ${size} · ${store}`] = (i) =>
        http.send("POST", create, notificationRequest(user(size, i), i));
    }
    if (riak) {
      floor = await RiakFloorClient.open(
        riak.nodeList,
        context.load.concurrency,
        "notifications",
        "bench-floor",
      );
      const raw = floor;
      createCalls[`riak floor: raw get + put of 1 KB · ${store}`] = () => raw.readModifyWrite();
    }
    const created = await context.measure("connect", createCalls);

    // Before any list: the users have no cursor, so the state counts the whole inbox as unseen.
    const fullHost = hosts.get(1000) as ServiceHost;
    // Each call ends its stream with a reset; nghttp2 ends a session past 1,000 of them (then
    // 33 a second), so the calls move to a new connection every few hundred.
    let streams = createClient(StreamService, createGrpcTransport({ baseUrl: fullHost.baseUrl }));
    let calls = 0;
    const firstEvent = async (username: string) => {
      if (++calls % resetsPerConnection === 0) {
        streams = createClient(StreamService, createGrpcTransport({ baseUrl: fullHost.baseUrl }));
      }
      const abort = new AbortController();
      try {
        for await (const _ of streams.subscribe({ username }, { signal: abort.signal })) return;
      } finally {
        abort.abort();
      }
    };
    const states = await context.measure("grpc", {
      [`Subscribe state event · inbox of ${small} · ${store}`]: (i) => firstEvent(user(small, i)),
      [`Subscribe state event · inbox of 1000 · ${store}`]: (i) => firstEvent(user(1000, i)),
    });
    const listed = await context.measure("connect", {
      [`list first page · inbox of ${small}, no rules · ${store}`]: (i) =>
        full.send("POST", list, { username: user(small, i) }),
      [`list first page · inbox of 1000, no rules · ${store}`]: (i) =>
        full.send("POST", list, { username: user(1000, i) }),
    });
    const [empty, , , atFull, rawRmw] = created;
    const [stateSmall, stateFull] = states;
    const [listSmall, listFull] = listed;
    return [
      ...created,
      ...states,
      ...listed,
      costRatio(`create on a full inbox over an empty one · ${store}`, atFull, empty, 1.25),
      costRatio(`list first page, 1000 over ${small} · ${store}`, listFull, listSmall, 2),
      costRatio(`state event, 1000 over ${small} · ${store}`, stateFull, stateSmall, 2),
      ...(rawRmw
        ? [costRatio(`create on a full inbox over a raw get + put · ${store}`, atFull, rawRmw, 1.3)]
        : []),
    ];
  } finally {
    floor?.close();
    for (const http of clients) http.close();
    for (const host of hosts.values()) await host.close();
    await riak?.close();
  }
}

/**
 * How many times `reference`'s cost one call of `figure` costs: the ratio of
 * their rates, measured in the same turns; `goal` is the issue's bound.
 */
export function costRatio(
  name: string,
  figure: Figure | undefined,
  reference: Figure | undefined,
  goal: number,
): Figure {
  const rate = figure?.opsPerSecond;
  const referenceRate = reference?.opsPerSecond;
  if (!rate || !referenceRate) return { name: `ratio: ${name}`, skipped: "a figure is missing" };
  return { name: `ratio: ${name}`, extra: { costRatio: referenceRate / rate, goal } };
}
