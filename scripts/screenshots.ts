// `npm run docs:screenshots`: the README's pictures of the web inbox, taken
// by Playwright in Debian's Chromium (apt-get install chromium) against a
// service started here with sample notifications: docs/web-inbox-light.png,
// docs/web-inbox-dark.png and docs/web-inbox-narrow.png (320 px wide).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { defaultConfig } from "../src/config/config-schema.js";
import { startService } from "../src/service.js";
import { bundleWebInbox } from "./bundle-web-inbox.js";

const user = "ann";
const minute = 60_000;
const chromiumPath = "/usr/bin/chromium";

await bundleWebInbox();
const dataDir = await mkdtemp(join(tmpdir(), "inbox-screenshots-"));
// The service's clock, moved back and forth to give the samples their ages.
let clock = Date.now();
const service = await startService(
  {
    ...defaultConfig,
    server: { ...defaultConfig.server, port: 0, admin_port: 0, host: "127.0.0.1" },
    storage: { ...defaultConfig.storage, data_dir: dataDir },
    log: { level: "warn" },
  },
  { now: () => clock },
);
const baseUrl = `http://127.0.0.1:${service.port}`;

async function call(method: string, body: object): Promise<{ notification?: { id: string } }> {
  const response = await fetch(`${baseUrl}/notification.v1.${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<{ notification?: { id: string } }>;
}

async function create(agoMs: number, category: string, message: string, actor?: string) {
  clock = Date.now() - agoMs;
  const created = await call("NotificationService/CreateNotification", {
    username: user,
    category,
    message,
    properties: actor ? { actor } : {},
  });
  return created.notification?.id ?? "";
}

try {
  await call("RuleService/PutRule", {
    category: "new-follower",
    rule: { max_size: 9, max_duration: "1 day" },
  });
  const welcome = await create(3 * 24 * 60 * minute, "system", "Welcome to your inbox");
  const archived = await create(2 * 24 * 60 * minute, "system", "Your weekly summary is ready");
  await create(26 * 60 * minute, "comment", "Dara commented: “Lovely colours!”", "Dara");
  const mention = await create(130 * minute, "mention", "Chen mentioned you in #design", "Chen");
  await create(42 * minute, "like", "Bob liked your photo", "Bob");
  const followers = ["Ines", "Hana", "Goran", "Farah", "Emeka", "Jonas", "Luca", "Kemal", "Maya"];
  for (const [i, actor] of followers.entries()) {
    await create((12 - i) * minute, "new-follower", `${actor} followed you`, actor);
  }
  await create(20_000, "comment", "Omar commented: “Ship it!”", "Omar");
  clock = Date.now();
  await call("NotificationService/MarkNotificationsRead", {
    username: user,
    ids: [welcome, mention],
  });
  await call("NotificationService/ArchiveNotifications", { username: user, ids: [archived] });

  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const shots = [
    { name: "web-inbox-light.png", colorScheme: "light", viewport: { width: 960, height: 680 } },
    { name: "web-inbox-dark.png", colorScheme: "dark", viewport: { width: 960, height: 680 } },
    { name: "web-inbox-narrow.png", colorScheme: "light", viewport: { width: 320, height: 640 } },
  ] as const;
  for (const shot of shots) {
    const context = await browser.newContext({
      colorScheme: shot.colorScheme,
      viewport: shot.viewport,
    });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/inbox/?user=${user}`);
    await page.locator("notification-inbox[status=live]").waitFor();
    await page.locator("notification-inbox #bell").click();
    await page.locator("notification-inbox article").nth(4).waitFor();
    // The category counts come a moment after the list.
    await page.locator("notification-inbox .chip", { hasText: "Comment 2" }).waitFor();
    // The panel, not its first item, holds the focus: no focus ring in the picture.
    await page.locator("notification-inbox #panel").focus();
    await page.screenshot({ path: join("docs", shot.name) });
    await context.close();
    process.stdout.write(`docs/${shot.name}\n`);
  }
  await browser.close();
} finally {
  await service.close();
  await rm(dataDir, { recursive: true, force: true });
}
