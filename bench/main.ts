// `npm run bench`: measures the service on loopback against a no-op baseline
// measured in the same run, prints a table and writes the figures as JSON
// (`--out FILE`). `npm run bench -- --help` lists the options.
import { writeFile } from "node:fs/promises";
import type { StoreKind } from "../test/support/service-under-test.js";
import { type BenchOptions, parseBenchOptions, usage } from "./cli-options.js";
import type { Figure } from "./figure.js";
import { measureInTurns } from "./measure.js";
import { formatFigures, makeReport } from "./report.js";
import type { BenchContext, Scenario } from "./scenario.js";
import { baselineScenario } from "./scenarios/baseline.js";
import { costGrowthScenario } from "./scenarios/cost-growth.js";
import { createScenario } from "./scenarios/create.js";
import { fanOutScenario } from "./scenarios/fan-out.js";
import { inboxSizeScenario } from "./scenarios/inbox-size.js";
import { ingestScenario } from "./scenarios/ingest.js";
import { listScenario } from "./scenarios/list.js";
import { microScenario } from "./scenarios/micro.js";
import { restScenario } from "./scenarios/rest.js";
import { stateScenario } from "./scenarios/state.js";
import { subscribeScenario } from "./scenarios/subscribe.js";
import { type ServiceHost, startServiceHost } from "./service-host.js";

const scenarios: readonly Scenario[] = [
  createScenario,
  listScenario,
  restScenario,
  subscribeScenario,
  inboxSizeScenario,
  costGrowthScenario,
  stateScenario,
  ingestScenario,
  microScenario,
  fanOutScenario,
];

async function main(): Promise<void> {
  const ids = scenarios.map((s) => s.id);
  const { help, options } = parseBenchOptions(process.argv.slice(2), ids);
  if (help) {
    console.log(usage.replace("SCENARIOS", ids.join(", ")));
    return;
  }
  const figures = await runScenarios(options);
  console.log(formatFigures(figures));
  if (options.out !== undefined) {
    await writeFile(options.out, `${JSON.stringify(makeReport(options, figures), null, 2)}\n`);
    console.log(`\nwrote ${options.out}`);
  }
}

/** Runs the baseline, then every selected scenario; a failing scenario becomes a skipped figure. */
async function runScenarios(options: BenchOptions): Promise<Figure[]> {
  const hosts = new Map<StoreKind, Promise<ServiceHost>>();
  const nodeOptions = options.profileDir
    ? ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}`]
    : [];
  const context: BenchContext = {
    options,
    service(store) {
      let host = hosts.get(store);
      if (!host) {
        context.progress(`starting the service on the ${store} store`);
        host = startServiceHost(store, nodeOptions);
        hosts.set(store, host);
      }
      return host;
    },
    freshService(store, settings) {
      context.progress(`starting a fresh service on the ${store} store`);
      return startServiceHost(store, nodeOptions, settings);
    },
    baselines: new Map(),
    load: {
      concurrency: options.concurrency,
      durationMs: options.durationMs,
      warmupMs: options.warmupMs,
    },
    measure: (protocol, calls) =>
      measureInTurns(context.baselines.get(protocol), calls, context.load),
    progress: (line) => console.error(`· ${line}`),
  };
  const figures: Figure[] = [];
  const selected = scenarios.filter((s) => options.scenarios.includes(s.id));
  try {
    for (const scenario of [baselineScenario, ...selected]) {
      context.progress(`${scenario.id}`);
      try {
        figures.push(...(await scenario.run(context)));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        figures.push({ name: scenario.id, skipped: `failed: ${reason}` });
      }
    }
  } finally {
    const started = await Promise.allSettled(hosts.values());
    await Promise.all(started.map((h) => (h.status === "fulfilled" ? h.value.close() : undefined)));
  }
  return figures;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
});
