import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { installedProgram } from "./installed-program.js";

describe("installedProgram", () => {
  const root = mkdtempSync(join(tmpdir(), "installed-program-"));
  const empty = join(root, "empty");
  const plain = join(root, "plain");
  const bin = join(root, "bin");
  for (const dir of [empty, plain, bin]) mkdirSync(dir);
  // A file without execute permission, a directory of the name, then the real one.
  writeFileSync(join(plain, "tool"), "not a program");
  mkdirSync(join(empty, "tool"));
  writeFileSync(join(bin, "tool"), "#!/bin/sh\n");
  chmodSync(join(bin, "tool"), 0o755);
  const warn = vi.spyOn(console, "warn").mockImplementation(() => {});

  afterEach(() => warn.mockClear());
  afterAll(() => {
    warn.mockRestore();
    rmSync(root, { recursive: true, force: true });
  });

  it("answers the first executable file of that name on the search path, silently", () => {
    expect(installedProgram("tool", "tool-package", [empty, plain, bin].join(delimiter))).toBe(
      join(bin, "tool"),
    );
    expect(warn).not.toHaveBeenCalled();
  });

  it("answers undefined when none is found, with one line naming the Debian package", () => {
    expect(installedProgram("tool", "tool-package", [empty, plain].join(delimiter))).toBe(
      undefined,
    );
    expect(installedProgram("tool", "tool-package", "")).toBe(undefined);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenLastCalledWith(
      "skipping the tests that need tool: it is not installed (Debian package tool-package: apt-get install tool-package)",
    );
  });
});
