import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, launchChromium, openPage } from "../support/browser.js";
import { type ServiceUnderTest, startServiceUnderTest } from "../support/service-under-test.js";
import { createNotification, type InboxPage as Inbox, InboxPage } from "./inbox-page.js";

// Two devices of one user (two browser contexts: nothing shared but the
// service): what one does shows on the other at once, with the same counts.
describe.skipIf(chromiumPath === undefined)("the web inbox on two devices", () => {
  let sut: ServiceUnderTest;
  let browser: Browser;
  beforeAll(async () => {
    [sut, browser] = await Promise.all([startServiceUnderTest(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await sut?.close();
  });

  /** The counts a page shows: the badge's, the tabs' and the open panel's category filters'. */
  async function counts(inbox: Inbox) {
    const { badge, inboxCount, archiveCount, chips } = await inbox.snapshot();
    return { badge, inboxCount, archiveCount, chips };
  }

  /** Waits until both pages show `expected` counts (and so the same ones). */
  async function bothShow(
    pages: readonly Inbox[],
    expected: Awaited<ReturnType<typeof counts>>,
  ): Promise<void> {
    for (const inbox of pages) await expect.poll(() => counts(inbox)).toEqual(expected);
  }

  it("seen, read, archive and mark all read on one page show on the other at once", async () => {
    const user = "sam";
    for (const n of [1, 2, 3]) {
      await createNotification(sut.baseUrl, user, { category: "comment", message: `comment ${n}` });
    }
    const one = await openPage(browser);
    const two = await openPage(browser);
    const a = await new InboxPage(one.page).signIn(sut.baseUrl, user);
    const b = await new InboxPage(two.page).signIn(sut.baseUrl, user);
    for (const page of [one.page, two.page]) {
      await page.locator("notification-inbox[status=live]").waitFor();
    }
    await expect
      .poll(() => counts(a))
      .toEqual({ badge: "3", inboxCount: "3", archiveCount: "", chips: [] });
    await expect.poll(() => counts(b)).toEqual(await counts(a));

    // Opening the panel on B marks everything seen: A's badge goes too.
    await b.open();
    await expect.poll(() => counts(a)).toMatchObject({ badge: "" });
    // A opens with nothing unseen: its filters are counted all the same.
    await a.open();
    const chips = (all: string, comment: string) => [`All${all}`, `Comment${comment}`];
    await bothShow([a, b], {
      badge: "",
      inboxCount: "3",
      archiveCount: "",
      chips: chips(" 3 unread", " 3 unread"),
    });

    // Reading on B clears A's dot.
    await b.item("comment 3").click();
    await expect
      .poll(async () => (await a.snapshot()).items)
      .toEqual([
        { text: "comment 3", unread: false },
        { text: "comment 2", unread: true },
        { text: "comment 1", unread: true },
      ]);
    await bothShow([a, b], {
      badge: "",
      inboxCount: "2",
      archiveCount: "",
      chips: chips(" 2 unread", " 2 unread"),
    });

    // Archiving on A takes it out of B's inbox.
    await a.item("comment 2").locator(".action").click();
    await expect
      .poll(async () => (await b.snapshot()).items.map((i) => i.text))
      .toEqual(["comment 3", "comment 1"]);
    await bothShow([a, b], {
      badge: "",
      inboxCount: "1",
      archiveCount: "1",
      chips: chips(" 1 unread", " 1 unread"),
    });

    // Mark all read on B reads everything on A.
    await b.element.locator("#mark-all").click();
    await expect
      .poll(async () => (await a.snapshot()).items)
      .toEqual([
        { text: "comment 3", unread: false },
        { text: "comment 1", unread: false },
      ]);
    await bothShow([a, b], { badge: "", inboxCount: "", archiveCount: "1", chips: chips("", "") });

    // A new notification reaches both; each shows it once.
    await createNotification(sut.baseUrl, user, { category: "comment", message: "comment 4" });
    for (const inbox of [a, b]) {
      await expect
        .poll(async () => (await inbox.snapshot()).items.map((i) => i.text))
        .toEqual(["comment 4", "comment 3", "comment 1"]);
    }
    await bothShow([a, b], {
      badge: "",
      inboxCount: "1",
      archiveCount: "1",
      chips: chips(" 1 unread", " 1 unread"),
    });
    expect([...one.errors, ...two.errors]).toEqual([]);
    await Promise.all([one.context.close(), two.context.close()]);
  });
});
