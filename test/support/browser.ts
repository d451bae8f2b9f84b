import { createRequire } from "node:module";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { installedProgram } from "./installed-program.js";

/**
 * Debian's Chromium, or undefined after one line naming the package (`apt-get
 * install chromium`): browser suites skip with `describe.skipIf(!chromiumPath)`.
 */
export const chromiumPath = installedProgram("chromium", "chromium");

// Headless, and quiet: without the background-networking flags Chromium keeps
// calling Google's services, which a closed network answers with nothing but
// delay. Playwright gives every launch a fresh temporary profile.
const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launches Chromium (one per test file: each test opens its own contexts). */
export function launchChromium(): Promise<Browser> {
  if (chromiumPath === undefined) throw new Error("chromium is not installed");
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
}

/**
 * What a page reported as wrong: console errors (a failed request counts: the
 * browser logs it) and uncaught exceptions, each a line.
 */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`exception: ${error.message}`));
  return errors;
}

/** A new context (a device: its own cookies, storage and connections) and page. */
export async function openPage(
  browser: Browser,
  options: Parameters<Browser["newContext"]>[0] = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  return { context, page, errors: watchErrors(page) };
}

/** One accessibility rule a page broke, as axe-core reports it. */
export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  /** Selectors of the elements at fault (through shadow roots). */
  readonly targets: readonly string[];
}

const axeSource = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/**
 * Runs axe-core in the page (shadow roots included) against WCAG 2.1 A and AA
 * and best practice, and returns what it found.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => "axe" in globalThis)))
    await page.addScriptTag({ path: axeSource });
  return page.evaluate(async () => {
    type Result = {
      violations: {
        id: string;
        impact: string | null;
        help: string;
        nodes: { target: unknown[] }[];
      }[];
    };
    const axe = (globalThis as unknown as { axe: { run(options: object): Promise<Result> } }).axe;
    const result = await axe.run({
      runOnly: {
        type: "tag",
        values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
      },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
  });
}
