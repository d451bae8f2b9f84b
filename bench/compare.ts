// `npm run bench:compare -- BEFORE.json AFTER.json`: the figures of two runs
// (`npm run bench -- --out FILE`) side by side, matched by name. On a busy
// machine, compare the ratios to the baseline rather than raw ops/s.
import { readFile } from "node:fs/promises";
import type { BenchReport } from "./report.js";
import { formatNumber, renderTable } from "./table.js";

async function main(): Promise<void> {
  const [beforePath, afterPath] = process.argv.slice(2);
  if (beforePath === undefined || afterPath === undefined) {
    throw new Error("usage: npm run bench:compare -- BEFORE.json AFTER.json");
  }
  const [before, after] = await Promise.all([read(beforePath), read(afterPath)]);
  const old = new Map(before.figures.map((f) => [f.name, f]));
  const rows = after.figures.map((now) => {
    const was = old.get(now.name);
    return [
      now.name,
      formatNumber(was?.opsPerSecond),
      formatNumber(now.opsPerSecond),
      change(was?.opsPerSecond, now.opsPerSecond),
      formatNumber(was?.ratio),
      formatNumber(now.ratio),
      change(was?.ratio, now.ratio),
      formatNumber(was?.p50Ms),
      formatNumber(now.p50Ms),
      formatNumber(was?.p99Ms),
      formatNumber(now.p99Ms),
    ];
  });
  console.log(`before: ${describe(before)}\nafter:  ${describe(after)}\n`);
  const header = ["figure", "ops/s", "→ ops/s", "change", "× base", "→ × base", "change"];
  console.log(renderTable([...header, "p50", "→ p50", "p99", "→ p99"], rows));
}

async function read(path: string): Promise<BenchReport> {
  return JSON.parse(await readFile(path, "utf8")) as BenchReport;
}

function describe(report: BenchReport): string {
  const { commit, dirty, date, loadAverage } = report.meta;
  return `${commit.slice(0, 10)}${dirty ? " (modified)" : ""} at ${date}, load ${loadAverage.toFixed(1)}`;
}

function change(before: number | undefined, after: number | undefined): string {
  if (before === undefined || after === undefined || before === 0) return "";
  const percent = ((after - before) / before) * 100;
  return `${percent >= 0 ? "+" : ""}${percent.toFixed(0)}%`;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
});
