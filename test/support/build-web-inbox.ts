import { bundleWebInbox } from "../../scripts/bundle-web-inbox.js";

/**
 * Vitest's global setup: builds the web inbox once per test run, before any
 * suite starts a service, so that every service serves the current build at
 * /inbox/ (esbuild takes a fraction of a second).
 */
export default async function setup(): Promise<void> {
  await bundleWebInbox();
}
