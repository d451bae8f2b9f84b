import { chromium } from "playwright-core";
import { startServiceUnderTest } from "./test/support/service-under-test.js";

const sut = await startServiceUnderTest("embedded", { rules: {} });
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless","--no-sandbox","--disable-gpu","--disable-quic","--no-first-run","--disable-background-networking","--disable-component-update","--disable-sync"] });
const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
page.on("console", (m) => console.log("console:", m.type(), m.text()));
page.on("pageerror", (e) => console.log("pageerror:", e.message));
await fetch(`${sut.baseUrl}/v1/rules/new-follower`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ max_size: 9, max_duration: "12 hours" }) });
await page.goto(`${sut.baseUrl}/inbox/?user=ann`);
await page.waitForTimeout(500);
const names = ["Ann", "Bob", "Chen", "Dara", "Emeka", "Farah", "Goran", "Hana", "Ines"];
for (const n of names.reverse()) {
  await fetch(`${sut.baseUrl}/v1/notifications/ann`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ category: "new-follower", message: `${n} followed you`, properties: { actor: n } }) });
}
await fetch(`${sut.baseUrl}/v1/notifications/ann`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ category: "like", message: `Bob liked your post`, properties: { actor: "Bob" } }) });
await page.waitForTimeout(500);
const bell = page.locator("notification-inbox").getByRole("button", { name: /Notifications/ });
console.log("bell label:", await bell.getAttribute("aria-label"));
await bell.click();
await page.waitForTimeout(800);
console.log("feed:", await page.locator("notification-inbox").getByRole("article").allInnerTexts());
await page.screenshot({ path: "/tmp/try1.png" });
await browser.close();
await sut.close();
