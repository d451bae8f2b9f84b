import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, chromiumPath, launchChromium, openPage } from "../support/browser.js";
import { type ServiceUnderTest, startServiceUnderTest } from "../support/service-under-test.js";
import { createNotification, follow, InboxPage } from "./inbox-page.js";

// The web inbox in Chromium against a real service: live arrival and rollups,
// filters and paging, keyboard use, and an accessibility check.
describe.skipIf(chromiumPath === undefined)("the web inbox in a browser", () => {
  let sut: ServiceUnderTest;
  let browser: Browser;
  beforeAll(async () => {
    [sut, browser] = await Promise.all([startServiceUnderTest(), launchChromium()]);
    const rule = await fetch(`${sut.baseUrl}/v1/rules/new-follower`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ max_size: 9, max_duration: "12 hours" }),
    });
    expect(rule.status).toBe(204);
  });
  afterAll(async () => {
    await browser?.close();
    await sut?.close();
  });

  const create = (user: string, body: Parameters<typeof createNotification>[2]) =>
    createNotification(sut.baseUrl, user, body);

  it("shows notifications created through the API live, rolled up, with the right badge", async () => {
    const { context, page, errors } = await openPage(browser);
    const inbox = await new InboxPage(page).signIn(sut.baseUrl, "live");
    await page.locator("notification-inbox[status=live]").waitFor();
    // Nine follows, Ann's the newest: one rollup, one unseen item.
    for (const actor of ["Ines", "Hana", "Goran", "Farah", "Emeka", "Dara", "Chen", "Bob", "Ann"]) {
      await create("live", follow(actor));
    }
    await expect.poll(async () => (await inbox.snapshot()).badge).toBe("1");
    await create("live", { category: "like", message: "Bob liked your post" });
    await expect.poll(async () => (await inbox.snapshot()).badge).toBe("2");
    expect(await inbox.bell.getAttribute("aria-label")).toBe("Notifications, 2 unseen");

    await inbox.open();
    await expect
      .poll(async () => (await inbox.snapshot()).items)
      .toEqual([
        { text: "Bob liked your post", unread: true },
        { text: "Ann and 8 others followed you", unread: true },
      ]);
    // Opening the panel marks everything seen.
    await expect.poll(async () => (await inbox.snapshot()).badge).toBe("");

    // Arriving while the panel is open: at the top, once. Applied live it
    // stands apart from the seen ones; should the page re-list meanwhile (its
    // first page moves the cursor again), the server rolls all ten follows up
    // as seen. Either way every follow shows exactly once.
    await create("live", follow("Jonas"));
    const followers = (texts: string[]) =>
      texts.reduce((sum, text) => {
        const rollup = /^\w+ and (\d+) others followed you$/.exec(text);
        return sum + (rollup ? Number(rollup[1]) + 1 : /^\w+ followed you$/.test(text) ? 1 : 0);
      }, 0);
    await expect
      .poll(async () => {
        const texts = (await inbox.snapshot()).items.map((i) => i.text);
        return {
          top: texts[0]?.startsWith("Jonas "),
          like: texts.filter((t) => t === "Bob liked your post").length,
          followers: followers(texts),
        };
      })
      .toEqual({ top: true, like: 1, followers: 10 });
    expect((await inbox.snapshot()).badge).toBe("");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("filters by category with counts and pages down by page tokens as the user scrolls", async () => {
    const { context, page, errors } = await openPage(browser, {
      viewport: { width: 1024, height: 700 },
    });
    const made: string[] = [];
    for (let i = 1; i <= 12; i++) {
      const category = i % 3 === 0 ? "like" : "comment";
      made.push(`${category} ${i}`);
      await create("pager", { category, message: `${category} ${i}` });
    }
    const inbox = await new InboxPage(page).signIn(sut.baseUrl, "pager");
    await inbox.element.evaluate((el: { setAttribute(n: string, v: string): void }) =>
      el.setAttribute("page-size", "5"),
    );
    await page.locator("notification-inbox[status=live]").waitFor();
    await inbox.open();
    await expect.poll(() => inbox.items.count()).toBeGreaterThanOrEqual(5);
    // Scrolling to the last item loads the next page, until there is none.
    for (let shown = await inbox.items.count(); shown < 12; shown = await inbox.items.count()) {
      await inbox.items.last().scrollIntoViewIfNeeded();
      await expect.poll(() => inbox.items.count()).toBeGreaterThan(shown);
    }
    await expect
      .poll(async () => (await inbox.snapshot()).items.map((i) => i.text))
      .toEqual([...made].reverse());

    const chips = inbox.element.locator(".chip");
    await expect
      .poll(() => chips.allTextContents())
      .toEqual(["All 12 unread", "Comment 8 unread", "Like 4 unread"]);
    await chips.filter({ hasText: "Like" }).click();
    await expect
      .poll(async () => (await inbox.snapshot()).items.map((i) => i.text))
      .toEqual(["like 12", "like 9", "like 6", "like 3"]);
    expect(await chips.filter({ hasText: "Like" }).getAttribute("aria-pressed")).toBe("true");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("works by keyboard alone: open the bell, move through items, mark one read, close", async () => {
    const { context, page, errors } = await openPage(browser);
    for (const n of [1, 2, 3])
      await create("keys", { category: "comment", message: `comment ${n}` });
    const inbox = await new InboxPage(page).signIn(sut.baseUrl, "keys");
    await page.locator("notification-inbox[status=live]").waitFor();
    // The bell is the first thing on the page to take the focus.
    await page.keyboard.press("Tab");
    expect(await inbox.element.locator("#bell:focus").count()).toBe(1);
    await page.keyboard.press("Enter");
    const focused = inbox.element.locator("article:focus .message");
    await expect.poll(() => focused.textContent()).toBe("comment 3");
    expect(await inbox.bell.getAttribute("aria-expanded")).toBe("true");
    await page.keyboard.press("ArrowDown");
    await expect.poll(() => focused.textContent()).toBe("comment 2");
    await page.keyboard.press("Enter");
    await expect
      .poll(async () => (await inbox.snapshot()).items)
      .toEqual([
        { text: "comment 3", unread: true },
        { text: "comment 2", unread: false },
        { text: "comment 1", unread: true },
      ]);
    await expect.poll(async () => (await inbox.snapshot()).inboxCount).toBe("2");
    await page.keyboard.press("End");
    await expect.poll(() => focused.textContent()).toBe("comment 1");
    await page.keyboard.press("Escape");
    expect(await inbox.element.locator("#panel").isHidden()).toBe(true);
    expect(await inbox.element.locator("#bell:focus").count()).toBe(1);
    expect(await inbox.bell.getAttribute("aria-expanded")).toBe("false");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("undoes an action the service refused and says why", async () => {
    const { context, page } = await openPage(browser);
    for (const n of [1, 2])
      await create("refused", { category: "comment", message: `comment ${n}` });
    const inbox = await new InboxPage(page).signIn(sut.baseUrl, "refused");
    await page.locator("notification-inbox[status=live]").waitFor();
    await inbox.open();
    await expect.poll(() => inbox.items.count()).toBe(2);
    // Storage is down for these two calls: the service answers UNAVAILABLE.
    const unavailable = JSON.stringify({
      code: "unavailable",
      message: "storage is unavailable; retry later (request id 1)",
    });
    for (const method of ["MarkNotificationsRead", "ArchiveNotifications"]) {
      await page.route(`**/notification.v1.NotificationService/${method}`, (route) =>
        route.fulfill({ status: 503, contentType: "application/json", body: unavailable }),
      );
    }
    await inbox.item("comment 2").click();
    await expect
      .poll(async () => (await inbox.snapshot()).error)
      .toBe("Could not mark it read: storage is unavailable; retry later (request id 1)");
    expect((await inbox.snapshot()).items).toEqual([
      { text: "comment 2", unread: true },
      { text: "comment 1", unread: true },
    ]);
    await inbox.item("comment 1").locator(".action").click();
    await expect
      .poll(async () => (await inbox.snapshot()).error)
      .toBe("Could not archive it: storage is unavailable; retry later (request id 1)");
    await expect
      .poll(async () => (await inbox.snapshot()).items.map((i) => i.text))
      .toEqual(["comment 2", "comment 1"]);
    await inbox.element.getByRole("button", { name: "Dismiss the error" }).click();
    expect((await inbox.snapshot()).error).toBe("");
    await context.close();
  });

  it("says what is wrong when set up wrong, in the panel and the bell's name", async () => {
    const { context, page } = await openPage(browser);
    await page.goto(`${sut.baseUrl}/inbox/`);
    const setups: readonly (readonly [Record<string, string>, string | RegExp])[] = [
      [{}, "no user: set the user attribute (or a token whose sub claim names the user)"],
      [
        { user: "ann", "page-size": "0" },
        'page-size must be a whole number from 1 to 1000 (got "0")',
      ],
      [
        { user: "ann", "service-url": "ftp://example.com" },
        'service-url must be an http:// or https:// URL (got "ftp://example.com")',
      ],
      [
        { user: "not a name" },
        /^(Live updates stopped|Could not load your notifications|Could not count your notifications): username must be 1 to 128 characters of A-Z a-z 0-9 \. _ - @ \+ \(got "not a name"\)$/,
      ],
    ];
    await page.evaluate(
      (all) => {
        const doc = (globalThis as unknown as { document: DocumentLike }).document;
        for (const attributes of all) {
          const element = doc.createElement("notification-inbox");
          for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
          doc.body.append(element);
        }
      },
      setups.map(([attributes]) => attributes),
    );
    for (const [index, [, message]] of setups.entries()) {
      const inbox = new InboxPage(page, index);
      await page
        .locator("notification-inbox")
        .nth(index)
        .and(page.locator("[status=failed]"))
        .waitFor();
      expect(await inbox.bell.getAttribute("aria-label")).toBe("Notifications (unavailable)");
      await inbox.bell.click();
      expect((await inbox.snapshot()).error).toMatch(message);
      await inbox.bell.click();
    }
    await context.close();
  });

  it("the demo page refuses a username the service would not take, saying why", async () => {
    const { context, page } = await openPage(browser);
    await page.goto(`${sut.baseUrl}/inbox/`);
    await page.getByLabel("Username").fill("ann smith");
    await page.getByRole("button", { name: "Open the inbox" }).click();
    expect(await page.locator("#form-error").textContent()).toBe(
      "A username is 1 to 128 characters of A-Z a-z 0-9 . _ - @ +.",
    );
    expect(await page.getByLabel("Username").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("notification-inbox").count()).toBe(0);
    await context.close();
  });

  it("passes an accessibility check of roles, labels and contrast, light and dark, with no console errors", async () => {
    // axe-core is injected as an inline script, which the page's policy forbids.
    const { context, page, errors } = await openPage(browser, { bypassCSP: true });
    await create("a11y", follow("Ann"));
    await create("a11y", follow("Bob"));
    await create("a11y", { category: "like", message: "Chen liked your post" });
    const inbox = await new InboxPage(page).signIn(sut.baseUrl, "a11y");
    await page.locator("notification-inbox[status=live]").waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await inbox.open();
    await expect.poll(() => inbox.items.count()).toBe(2);
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      expect(await axeViolations(page)).toEqual([]);
    }
    await inbox.element.locator("#tab-archive").click();
    await expect.poll(async () => (await inbox.snapshot()).items).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("takes the whole screen at 320 px, a dropdown on a desktop, and its colors from custom properties", async () => {
    const { context, page } = await openPage(browser, { viewport: { width: 320, height: 640 } });
    await create("narrow", follow("Ann"));
    const inbox = await new InboxPage(page).signIn(sut.baseUrl, "narrow");
    await page.locator("notification-inbox[status=live]").waitFor();
    await inbox.open();
    const panel = inbox.element.locator("#panel");
    expect(await panel.boundingBox()).toEqual({ x: 0, y: 0, width: 320, height: 640 });
    await page.setViewportSize({ width: 1024, height: 700 });
    const box = await panel.boundingBox();
    expect(box?.width).toBe(380);
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(1024);
    const dot = inbox.element.locator(".item.unread .dot");
    await inbox.element.evaluate((el: { style: { setProperty(n: string, v: string): void } }) =>
      el.style.setProperty("--inbox-accent", "rgb(1, 2, 3)"),
    );
    expect(
      await dot.evaluate((d) => {
        const style = (
          globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }
        ).getComputedStyle(d);
        return style.backgroundColor;
      }),
    ).toBe("rgb(1, 2, 3)");
    await context.close();
  });
});

// What the page functions above use of the DOM (the tests compile without its types).
interface DocumentLike {
  createElement(name: string): { setAttribute(name: string, value: string): void };
  body: { append(node: unknown): void };
}
