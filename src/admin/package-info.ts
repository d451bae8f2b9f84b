import { readFile } from "node:fs/promises";

/** The service's name and version, from its package.json. */
export interface PackageInfo {
  readonly name: string;
  readonly version: string;
}

/**
 * Reads package.json, two folders above this module both in `src/admin/`
 * (tsx, tests) and in `dist/admin/` (the build).
 */
export async function readPackageInfo(): Promise<PackageInfo> {
  const text = await readFile(new URL("../../package.json", import.meta.url), "utf8");
  const { name, version } = JSON.parse(text) as PackageInfo;
  return { name, version };
}
