import { constants } from "node:fs";
import { access, mkdir, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";

/**
 * Makes `dir` a directory this process can write: creates it and its missing
 * parents, then checks it. Rejects with an Error whose one-line message says
 * why it cannot be used: a file is in the way, a parent refuses new entries
 * (as `/proc` does), no permission, a read-only file system.
 *
 * Node's `mkdir(dir, { recursive: true })` is not used: when a parent exists
 * but answers ENOENT for any new child (procfs, a dangling symbolic link) it
 * retries forever, at full CPU, and never settles.
 */
export async function prepareDataDir(dir: string): Promise<void> {
  await createDirectory(resolve(dir));
  try {
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (cause) {
    throw new Error(`"${dir}" is not writable (${reason(cause)})`, { cause });
  }
}

async function createDirectory(path: string): Promise<void> {
  try {
    await mkdir(path);
    return;
  } catch (cause) {
    const code = codeOf(cause);
    if (code === "EEXIST") return mustBeDirectory(path);
    const parent = dirname(path);
    if (code !== "ENOENT" || parent === path) {
      throw new Error(`"${path}" cannot be created (${reason(cause)})`, { cause });
    }
    await createDirectory(parent);
  }
  // The parent exists now: a second refusal is final.
  try {
    await mkdir(path);
  } catch (cause) {
    if (codeOf(cause) === "EEXIST") return mustBeDirectory(path);
    throw new Error(
      `"${path}" cannot be created: its parent "${dirname(path)}" accepts no new directory (${reason(cause)})`,
      { cause },
    );
  }
}

async function mustBeDirectory(path: string): Promise<void> {
  if (!(await stat(path)).isDirectory()) throw new Error(`"${path}" is not a directory`);
}

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

const meanings: Readonly<Record<string, string>> = {
  EACCES: "permission denied",
  ENOENT: "no such file or directory",
  ENOTDIR: "a parent is not a directory",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
};

function reason(error: unknown): string {
  const code = codeOf(error);
  if (code === undefined) return error instanceof Error ? error.message : String(error);
  return meanings[code] ? `${code}: ${meanings[code]}` : code;
}
