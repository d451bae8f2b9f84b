import { parseArgs } from "node:util";
import { durationMs, parseDuration } from "../src/domain/duration.js";
import type { StoreKind } from "../test/support/service-under-test.js";

/** What one `npm run bench` measures, and where it writes. */
export interface BenchOptions {
  /** The JSON results file; undefined: table only. */
  readonly out: string | undefined;
  /** Scenario ids to run (the baseline always runs). */
  readonly scenarios: readonly string[];
  readonly stores: readonly StoreKind[];
  /** Measured time of each throughput figure, in ms. Default 3000; quick 1000. */
  readonly durationMs: number;
  /** Unmeasured warm-up before each, in ms. Default 1000; quick 300. */
  readonly warmupMs: number;
  /** Calls in flight. Default 32. */
  readonly concurrency: number;
  /** Subscribers of the Subscribe figures. Default 1000; quick 200. */
  readonly subscribers: number;
  /** Writes a CPU profile of each service process into this directory; undefined: none. */
  readonly profileDir: string | undefined;
}

/** The command-line help. */
export const usage = `npm run bench -- [options]

  --out FILE          write the figures as JSON to FILE (compare two with npm run bench:compare)
  --only IDS          scenarios to run, comma-separated (default all): SCENARIOS
                      (the no-op baseline always runs: every ratio divides by it)
  --stores KINDS      embedded,riak (default both)
  --duration TIME     measured time per figure, e.g. 3s (default 3s; --quick 1s)
  --warmup TIME       unmeasured warm-up before each figure (default 1s; --quick 300ms)
  --concurrency N     calls in flight (default 32)
  --subscribers N     Subscribe streams (default 1000; --quick 200)
  --quick             short run: the defaults marked quick above
  --profile DIR       write a CPU profile (.cpuprofile) of each service process into DIR
  --help              this text`;

/** Parses the command line; throws an Error naming the bad option. */
export function parseBenchOptions(argv: readonly string[], scenarioIds: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      out: { type: "string" },
      only: { type: "string" },
      stores: { type: "string" },
      duration: { type: "string" },
      warmup: { type: "string" },
      concurrency: { type: "string" },
      subscribers: { type: "string" },
      quick: { type: "boolean", default: false },
      profile: { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  const quick = values.quick;
  const options: BenchOptions = {
    out: values.out,
    scenarios: list("only", values.only, scenarioIds) ?? scenarioIds,
    stores: (list("stores", values.stores, ["embedded", "riak"]) ?? [
      "embedded",
      "riak",
    ]) as StoreKind[],
    durationMs: time("duration", values.duration) ?? (quick ? 1000 : 3000),
    warmupMs: time("warmup", values.warmup) ?? (quick ? 300 : 1000),
    concurrency: count("concurrency", values.concurrency) ?? 32,
    subscribers: count("subscribers", values.subscribers) ?? (quick ? 200 : 1000),
    profileDir: values.profile,
  };
  return { help: values.help, options };
}

function list(name: string, value: string | undefined, allowed: readonly string[]) {
  if (value === undefined) return undefined;
  const items = value.split(",").map((item) => item.trim());
  const unknown = items.filter((item) => !allowed.includes(item));
  if (unknown.length > 0 || items.length === 0) {
    throw new Error(`--${name}: unknown ${unknown.join(", ")}; choose from ${allowed.join(", ")}`);
  }
  return items;
}

function time(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const duration = parseDuration(value);
  if (!duration) throw new Error(`--${name} ${value}: not a duration (such as 3s or 500ms)`);
  return durationMs(duration);
}

function count(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} ${value}: not a positive integer`);
  return n;
}
