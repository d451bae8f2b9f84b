import { execFileSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import type { BenchOptions } from "./cli-options.js";
import type { Figure } from "./figure.js";
import { formatNumber, renderTable } from "./table.js";

/** What `--out` writes: the figures and what they were measured on. */
export interface BenchReport {
  readonly meta: {
    /** The commit measured, and whether src/ or bench/ differed from it. */
    readonly commit: string;
    readonly dirty: boolean;
    readonly date: string;
    readonly node: string;
    readonly cpus: string;
    /** The 1-minute load average at the end: other work on the machine skews figures. */
    readonly loadAverage: number;
    readonly options: BenchOptions;
  };
  readonly figures: readonly Figure[];
}

/** The report of a run that just finished. */
export function makeReport(options: BenchOptions, figures: readonly Figure[]): BenchReport {
  const git = (...args: string[]) => {
    try {
      return execFileSync("git", args, { encoding: "utf8" }).trim();
    } catch {
      return "";
    }
  };
  const cpu = cpus();
  return {
    meta: {
      commit: git("rev-parse", "HEAD"),
      dirty: git("status", "--porcelain", "--", "src", "bench") !== "",
      date: new Date().toISOString(),
      node: process.version,
      cpus: `${cpu.length} × ${cpu[0]?.model ?? "unknown"}`,
      loadAverage: loadavg()[0] ?? 0,
      options,
    },
    figures,
  };
}

/** The figures as a text table; extra values and errors in the last column. */
export function formatFigures(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.name,
    formatNumber(f.opsPerSecond),
    f.ratio === undefined ? "" : `${f.ratio.toFixed(3)}`,
    formatNumber(f.p50Ms),
    formatNumber(f.p99Ms),
    details(f),
  ]);
  return renderTable(["figure", "ops/s", "× baseline", "p50 ms", "p99 ms", "other"], rows);
}

function details(figure: Figure): string {
  if (figure.skipped !== undefined) return `skipped: ${figure.skipped}`;
  const parts = Object.entries(figure.extra ?? {}).map(([k, v]) => `${k}=${formatNumber(v)}`);
  if (figure.errors) parts.push(`errors=${figure.errors} (${figure.firstError ?? ""})`);
  return parts.join(" ");
}
