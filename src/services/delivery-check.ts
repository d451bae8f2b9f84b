import { deliversInApp } from "../domain/preferences.js";
import type { ServiceDependencies } from "./dependencies.js";

/**
 * True when `username` muted `category` in the inbox, so that a create for
 * them stores and streams nothing and answers `suppressed` (contract §10).
 * Critical categories are never suppressed. The one check every create path
 * makes: a single create, and each recipient of a fan-out or topic.
 */
export async function isSuppressed(
  deps: Pick<ServiceDependencies, "preferences" | "criticalCategories">,
  username: string,
  category: string,
): Promise<boolean> {
  if (deps.criticalCategories.has(category)) return false;
  return !deliversInApp(await deps.preferences.get(username), category, deps.criticalCategories);
}
