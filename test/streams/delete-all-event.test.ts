import { createRouterTransport } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorMapping } from "../../src/server/error-mapping.js";
import { LocalEventBus } from "../../src/streams/local-event-bus.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { StreamReader } from "./stream-reader.js";

// Two instances over one store and one bus; the second's clock runs a minute
// ahead, so its ids sort above anything the first issues meanwhile.
describe("the cleared event of a delete-all", () => {
  let here: TestApp;
  let ahead: TestApp;

  beforeAll(async () => {
    here = await createTestApp({ events: new LocalEventBus() });
    ahead = here.sibling({ events: here.app.deps.events, now: () => Date.now() + 60_000 });
  });
  afterAll(async () => {
    await here.close();
  });

  it("carries the mark storage settled on and the greater ids the delete-all removed", async () => {
    const transport = createRouterTransport((router) => here.app.routes(router), {
      router: { interceptors: [errorMapping] },
    });
    const reader = StreamReader.open(transport, { username: "ivy" });
    await reader.live();
    const mine = await here.notifications.createNotification({
      username: "ivy",
      category: "like",
      message: "here",
    });
    const theirs = await ahead.notifications.createNotification({
      username: "ivy",
      category: "like",
      message: "ahead",
    });
    await here.notifications.deleteNotifications({ username: "ivy", all: true });
    await reader.until((r) => r.kinds().includes("cleared"), "the cleared event");
    await reader.cancel();
    const cleared = reader.events.find((e) => e.event.case === "cleared")?.event;
    const theirId = theirs.notification?.id ?? "";
    expect(cleared?.case === "cleared" && cleared.value.ids).toEqual([theirId]);
    // The mark covers what was created here and stays below the id from ahead.
    const upTo = cleared?.case === "cleared" ? cleared.value.upTo : "";
    expect(upTo >= (mine.notification?.id ?? "~")).toBe(true);
    expect(upTo < theirId).toBe(true);
    expect((await here.notifications.listNotifications({ username: "ivy" })).notifications).toEqual(
      [],
    );
  });
});
