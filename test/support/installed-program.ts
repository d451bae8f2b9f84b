import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";

/**
 * Finds a program that tests need from the machine (a Debian package's binary, such as
 * `redis-server`) on `searchPath` (default: the `PATH` environment variable).
 *
 * Returns its absolute path, or `undefined` after writing one line that names the missing
 * program and the Debian package to install; the caller then skips what needs it:
 * `describe.skipIf(program === undefined)(...)`. CI installs every such package and counts
 * a skipped test as failed, so a skip is only ever seen on a developer's machine.
 */
export function installedProgram(
  name: string,
  debianPackage: string,
  searchPath: string = process.env.PATH ?? "",
): string | undefined {
  for (const dir of searchPath.split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  console.warn(
    `skipping the tests that need ${name}: it is not installed (Debian package ${debianPackage}: apt-get install ${debianPackage})`,
  );
  return undefined;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
