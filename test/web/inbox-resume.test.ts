import type { Browser, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningService, startService } from "../../src/service.js";
import { chromiumPath, launchChromium, openPage } from "../support/browser.js";
import { type ServiceUnderTest, startServiceUnderTest } from "../support/service-under-test.js";
import { createNotification, InboxPage } from "./inbox-page.js";

// A page stays open while the service restarts on the same port and data:
// it shows that it is offline, reconnects, and shows what was created while
// it was away exactly once (the stream resumes after the newest id it had).
describe.skipIf(chromiumPath === undefined)("the web inbox across a service restart", () => {
  let sut: ServiceUnderTest;
  let restarted: RunningService | undefined;
  let browser: Browser;
  beforeAll(async () => {
    [sut, browser] = await Promise.all([
      // Shutdown cuts idle browser connections after 200 ms rather than 5 s.
      startServiceUnderTest("embedded", { server: { drain_ms: 200 } }),
      launchChromium(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await restarted?.close();
    await sut?.close();
  });

  it("shows offline, reconnects, and shows what was created meanwhile exactly once", async () => {
    const { context, page, errors } = await openPage(browser);
    const create = (message: string) =>
      createNotification(sut.baseUrl, "rio", { category: "comment", message });
    await create("before 1");
    const inbox = await new InboxPage(page).signIn(sut.baseUrl, "rio");
    await page.locator("notification-inbox[status=live]").waitFor();
    await inbox.open();
    await create("before 2");
    await expect
      .poll(async () => (await inbox.snapshot()).items.map((i) => i.text))
      .toEqual(["before 2", "before 1"]);

    // Hold the page's reconnects until the notifications below exist, so
    // that they can only reach it by the resumed stream's replay.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route("**/notification.v1.StreamService/Subscribe", async (route: Route) => {
      await held;
      await route.continue();
    });

    await sut.service.close();
    await page.locator("notification-inbox[status=offline]").waitFor();
    expect((await inbox.snapshot()).offline).toBe(true);
    expect(await inbox.element.locator("#status").textContent()).toBe("Offline, reconnecting…");
    expect(await inbox.bell.getAttribute("aria-label")).toContain("offline");

    restarted = await startService({
      ...sut.config,
      server: { ...sut.config.server, port: sut.service.port },
    });
    await create("meanwhile 1");
    await create("meanwhile 2");
    release();

    await page.locator("notification-inbox[status=live]").waitFor();
    await create("after");
    await expect
      .poll(async () => (await inbox.snapshot()).items.map((i) => i.text))
      .toEqual(["after", "meanwhile 2", "meanwhile 1", "before 2", "before 1"]);
    const snapshot = await inbox.snapshot();
    expect(snapshot.offline).toBe(false);
    expect(snapshot.error).toBe("");
    // The browser logs the refused reconnects while the service was down; nothing else.
    expect(errors.filter((e) => !e.includes("net::ERR_CONNECTION_REFUSED"))).toEqual([]);
    await context.close();
  });
});
