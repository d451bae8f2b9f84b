import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, launchChromium, openPage } from "../support/browser.js";
import { type ServiceUnderTest, startServiceUnderTest } from "../support/service-under-test.js";
import { createNotification, InboxPage } from "./inbox-page.js";

// Another app's page embeds the inbox: it loads the module from the service
// and calls the service's API across origins, as server.cors allows.
describe.skipIf(chromiumPath === undefined)(
  "the web inbox embedded in another origin's page",
  () => {
    let app: Server;
    let appOrigin: string;
    let sut: ServiceUnderTest;
    let browser: Browser;
    beforeAll(async () => {
      app = createServer((_req, res) => {
        res.setHeader("content-type", "text/html; charset=utf-8");
        res.end(
          `<!doctype html><html lang="en"><head><title>An app</title><link rel="icon" href="data:,">` +
            `<script type="module" src="${sut.baseUrl}/inbox/notification-inbox.js"></script></head>` +
            `<body><main><h1>An app</h1><notification-inbox service-url="${sut.baseUrl}" user="eve" theme="dark"></notification-inbox></main></body></html>`,
        );
      });
      await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
      // localhost and 127.0.0.1 are different origins to a browser.
      appOrigin = `http://localhost:${(app.address() as AddressInfo).port}`;
      [sut, browser] = await Promise.all([
        startServiceUnderTest("embedded", { server: { cors: { allowed_origins: [appOrigin] } } }),
        launchChromium(),
      ]);
    });
    afterAll(async () => {
      await browser?.close();
      await sut?.close();
      await new Promise((resolve) => app?.close(resolve));
    });

    it("loads from the service, lists, and stays live across origins", async () => {
      await createNotification(sut.baseUrl, "eve", { category: "comment", message: "first" });
      const { context, page, errors } = await openPage(browser);
      await page.goto(appOrigin);
      const inbox = new InboxPage(page);
      await page.locator("notification-inbox[status=live]").waitFor();
      await inbox.open();
      await expect
        .poll(async () => (await inbox.snapshot()).items.map((i) => i.text))
        .toEqual(["first"]);
      await createNotification(sut.baseUrl, "eve", { category: "comment", message: "second" });
      await expect
        .poll(async () => (await inbox.snapshot()).items.map((i) => i.text))
        .toEqual(["second", "first"]);
      expect(errors).toEqual([]);
      await context.close();
    });
  },
);
