import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authConfig } from "../auth/auth-service.js";
import { signToken, testSecret } from "../auth/token-factory.js";
import { chromiumPath, launchChromium, openPage } from "../support/browser.js";
import { type ServiceUnderTest, startServiceUnderTest } from "../support/service-under-test.js";
import { createNotification, InboxPage } from "./inbox-page.js";

// The web inbox with auth.mode jwt: the demo page signs in with a token, a
// token reaches only its own user's inbox, and a token callback is asked
// again before the token expires.
describe.skipIf(chromiumPath === undefined)("the web inbox with tokens", () => {
  let sut: ServiceUnderTest;
  let browser: Browser;
  let producer: string;
  beforeAll(async () => {
    [sut, browser] = await Promise.all([
      startServiceUnderTest("embedded", {
        // No leeway: a token is refused the moment it expires.
        auth: authConfig({ mode: "jwt", jwt: { secret: testSecret, leeway_s: "0" } }),
      }),
      launchChromium(),
    ]);
    producer = await signToken({ claims: { scope: "notifications:write" } });
  });
  afterAll(async () => {
    await browser?.close();
    await sut?.close();
  });

  const create = (user: string, message: string) =>
    createNotification(sut.baseUrl, user, { category: "comment", message }, producer);

  /** Signs in on the demo page with `token`, as a user would: pasting it. */
  async function signInWithToken(inbox: InboxPage, token: string): Promise<void> {
    await inbox.page.goto(`${sut.baseUrl}/inbox/`);
    await inbox.page.getByLabel("Token").fill(token);
    await inbox.page.getByRole("button", { name: "Open the inbox" }).click();
  }

  it("a page with one user's token sees that user's inbox only", async () => {
    await create("ann", "for ann");
    await create("bob", "for bob 1");
    await create("bob", "for bob 2");
    const { context, page, errors } = await openPage(browser);
    const inbox = new InboxPage(page);
    await signInWithToken(inbox, await signToken({ claims: { sub: "bob" } }));
    await page.locator("notification-inbox[status=live]").waitFor();
    await expect.poll(async () => (await inbox.snapshot()).badge).toBe("2");
    await inbox.open();
    await expect
      .poll(async () => (await inbox.snapshot()).items.map((i) => i.text))
      .toEqual(["for bob 2", "for bob 1"]);
    await create("ann", "for ann again");
    await create("bob", "for bob 3");
    await expect
      .poll(async () => (await inbox.snapshot()).items.map((i) => i.text))
      .toEqual(["for bob 3", "for bob 2", "for bob 1"]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("naming another user with a token is refused, and the panel says why", async () => {
    const { context, page } = await openPage(browser);
    const inbox = new InboxPage(page);
    await page.goto(`${sut.baseUrl}/inbox/`);
    const bob = await signToken({ claims: { sub: "bob" } });
    await page.evaluate(
      ({ token }) => {
        const doc = (globalThis as unknown as { document: DocumentLike }).document;
        const element = doc.createElement("notification-inbox");
        element.setAttribute("user", "ann");
        element.setAttribute("token", token);
        doc.body.append(element);
      },
      { token: bob },
    );
    await page.locator("notification-inbox[status=failed]").waitFor();
    await inbox.bell.click();
    const { error, items } = await inbox.snapshot();
    // The stream and the list are both refused; the panel shows the service's reason.
    expect(error).toMatch(
      /^(Live updates stopped|Could not load your notifications|Could not count your notifications): \w+ names another user: a user's token reaches only that user's own inbox/,
    );
    expect(items).toEqual([]);
    expect(await inbox.bell.getAttribute("aria-label")).toBe("Notifications (unavailable)");
    await context.close();
  });

  it("says so when the token has expired, or is not a token", async () => {
    const { context, page } = await openPage(browser);
    const inbox = new InboxPage(page);
    await signInWithToken(inbox, "not a token");
    expect(await page.locator("#form-error").textContent()).toBe(
      "That is not a token: a JWT is three parts separated by dots.",
    );
    await signInWithToken(inbox, await signToken({ claims: { sub: "bob" }, expiresIn: -60 }));
    await page.locator("notification-inbox[status=failed]").waitFor();
    await inbox.bell.click();
    expect((await inbox.snapshot()).error).toMatch(
      /^(Live updates stopped|Could not load your notifications|Could not count your notifications): the token has expired; get a fresh one$/,
    );
    await context.close();
  });

  it("asks the token callback again before the token expires, and stays live", async () => {
    const { context, page, errors } = await openPage(browser);
    let issued = 0;
    let firstExpiresAt = 0;
    // Tokens live 4 s: the inbox renews each 1 s before its end (a quarter of its life).
    await page.exposeFunction("issueToken", () => {
      issued += 1;
      if (issued === 1) firstExpiresAt = Date.now() + 4000;
      return signToken({ claims: { sub: "cy" }, expiresIn: 4 });
    });
    await page.goto(`${sut.baseUrl}/inbox/`);
    await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: DocumentLike }).document;
      const issue = (globalThis as unknown as { issueToken: () => Promise<string> }).issueToken;
      const element = doc.createElement("notification-inbox");
      element.tokenProvider = issue;
      doc.body.append(element);
    });
    const inbox = new InboxPage(page);
    await page.locator("notification-inbox[status=live]").waitFor();
    expect(issued).toBe(1);
    await expect.poll(() => issued, { timeout: 15_000, interval: 250 }).toBe(2);
    // Once the first token has expired, calls and the stream run on the second.
    await expect.poll(() => Date.now() > firstExpiresAt, { timeout: 15_000 }).toBe(true);
    await create("cy", "after the first token expired");
    await expect.poll(async () => (await inbox.snapshot()).badge).toBe("1");
    await inbox.open();
    await expect
      .poll(async () => (await inbox.snapshot()).items.map((i) => i.text))
      .toEqual(["after the first token expired"]);
    expect((await inbox.snapshot()).error).toBe("");
    expect(errors).toEqual([]);
    await context.close();
  });
});

// What the page functions above use of the DOM (the tests compile without its types).
interface DocumentLike {
  createElement(name: string): {
    setAttribute(name: string, value: string): void;
    tokenProvider?: () => Promise<string>;
  };
  body: { append(node: unknown): void };
}
