import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Client,
  createClient,
  createRouterTransport,
  type Transport,
} from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { errorMapping } from "../../src/server/error-mapping.js";
import { type App, type AppOptions, createApp } from "../../src/service.js";
import { EmbeddedStore } from "../../src/storage/embedded-store.js";
import { testAppOptions } from "../support/module-options.js";
import { createNotification } from "./create-notification.js";
import { GatedStore, type HoldPoint } from "./gated-store.js";
import { StreamReader } from "./stream-reader.js";

// Notifications created exactly while a subscription reads storage: either
// the read sees them (they must not come again live) or it does not (they
// must come live). Both orders are forced here, not left to chance.
describe("Subscribe while notifications are created during its storage read", () => {
  let dir: string;
  let store: GatedStore;
  let app: App;
  let options: AppOptions;
  let transport: Transport;
  let notifications: Client<typeof NotificationService>;
  let users = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "notification-streams-"));
    store = new GatedStore(await EmbeddedStore.open(dir));
    options = testAppOptions();
    app = createApp(store, options);
    transport = createRouterTransport((router) => app.routes(router), {
      router: { interceptors: [errorMapping] },
    });
    notifications = createClient(NotificationService, transport);
  });
  afterAll(async () => {
    await app.idle();
    await options.events.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const create = async (username: string) => (await createNotification(notifications, username)).id;
  const createSome = async (username: string, count: number) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(await create(username));
    return ids;
  };

  const points: HoldPoint[] = ["before", "after"];

  /**
   * Creates three notifications, subscribes (resuming after the first when
   * `resume`), creates three more while the stream's read waits at `point`,
   * then one more once the stream is live, and reads until that one arrives.
   */
  const subscribeAcrossTheRead = async (point: HoldPoint, resume: boolean) => {
    const username = `edge-${users++}`;
    const early = await createSome(username, 3);
    const hold = store.hold(point);
    const reader = StreamReader.open(transport, {
      username,
      after: resume ? (early[0] ?? "") : "",
    });
    await hold.reached;
    const during = await createSome(username, 3);
    hold.release();
    await reader.live();
    const late = await create(username);
    await reader.until((r) => r.ids().includes(late), "the notification created after");
    await reader.cancel();
    return { early, during, late, reader };
  };

  it.each(points)(
    "resuming: the replay and the live events join with no gap and no duplicate (held %s the read)",
    async (point) => {
      const { early, during, late, reader } = await subscribeAcrossTheRead(point, true);
      expect(reader.ids()).toEqual([...early.slice(1), ...during, late]);
    },
  );

  it.each(points)(
    "live only: the state counts what the read saw, and only the rest comes as events (held %s the read)",
    async (point) => {
      const { during, late, reader } = await subscribeAcrossTheRead(point, false);
      const state = reader.events[0]?.event;
      const seenByRead = point === "before" ? 6 : 3;
      expect(state?.case === "state" && state.value.unseenCount).toBe(seenByRead);
      expect(reader.ids()).toEqual(point === "before" ? [late] : [...during, late]);
    },
  );
});
