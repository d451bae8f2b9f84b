import { type Figure, loadFigure } from "./figure.js";
import { type Call, type LoadOptions, runInterleaved } from "./load-loop.js";

/**
 * Measures each named call in turns with the no-op baseline (no-op, a, b,
 * no-op, a, b, ...), so that each ratio divides by a no-op rate taken under the
 * same outside load: on a shared machine the rates swing by half between
 * runs, their ratios far less. Without a baseline, measures the calls alone.
 */
export async function measureInTurns(
  baseline: Call | undefined,
  calls: Readonly<Record<string, Call>>,
  load: LoadOptions,
): Promise<Figure[]> {
  const named = Object.entries(calls);
  const results = await runInterleaved(
    [...(baseline ? [baseline] : []), ...named.map(([, call]) => call)],
    load,
  );
  const base = baseline ? results.shift() : undefined;
  return named.map(([name], i) => {
    const result = results[i];
    if (!result) throw new Error(`no result for ${name}`);
    return loadFigure(name, result, base);
  });
}
