import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** Folder-level imports: each folder (relative to the root) and the folders it imports from. */
export type FolderGraph = ReadonlyMap<string, ReadonlySet<string>>;

// Static imports and re-exports (`from "..."`), side-effect imports and `import("...")`.
const specifiers = /(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g;

/**
 * The import graph of the TypeScript files under `root`, folded to folders:
 * an edge `a → b` for every relative import from a file in folder `a` of a
 * file in folder `b` (imports within one folder and of packages are left
 * out). Folders listed in `exclude` (relative to `root`) are skipped, both as
 * importers and as targets.
 */
export function folderGraph(root: string, exclude: readonly string[] = []): FolderGraph {
  const rootPath = resolve(root);
  const excluded = (folder: string) =>
    exclude.some((skip) => folder === skip || folder.startsWith(`${skip}/`));
  const graph = new Map<string, Set<string>>();
  for (const file of typeScriptFiles(rootPath)) {
    const from = folderOf(rootPath, file);
    if (excluded(from)) continue;
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const [, specifier] of readFileSync(file, "utf8").matchAll(specifiers)) {
      if (specifier === undefined || !specifier.startsWith(".")) continue;
      const target = folderOf(rootPath, resolve(dirname(file), specifier));
      if (target !== from && !excluded(target) && !target.startsWith("..")) edges.add(target);
    }
  }
  return graph;
}

/**
 * The cycles of the graph, each written as a path that returns to its start
 * (`["a", "b", "a"]`): within each strongly connected component, the
 * shortest cycle through each folder that no cycle listed before passes
 * through, so every folder caught in a cycle is named. None when the graph
 * is acyclic.
 */
export function findCycles(graph: FolderGraph): string[][] {
  const cycles: string[][] = [];
  for (const component of stronglyConnected(graph)) {
    if (component.length < 2) continue;
    const members = new Set(component);
    const covered = new Set<string>();
    for (const start of component) {
      if (covered.has(start)) continue;
      const cycle = shortestCycle(graph, members, start);
      for (const folder of cycle) covered.add(folder);
      cycles.push(cycle);
    }
  }
  return cycles.sort((a, b) => a.join().localeCompare(b.join()));
}

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

function folderOf(root: string, file: string): string {
  return relative(root, dirname(file)) || ".";
}

// Tarjan's algorithm: the strongly connected components, each a list of folders.
function stronglyConnected(graph: FolderGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node) ?? 0);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
      onStack.delete(top);
      component.push(top);
      if (top === node) break;
    }
    components.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return components;
}

// A shortest path from `start` back to itself within its component (breadth first).
function shortestCycle(
  graph: FolderGraph,
  component: ReadonlySet<string>,
  start: string,
): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let node = queue.shift(); node !== undefined; node = queue.shift()) {
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      if (!component.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let at: string | undefined = node; at !== undefined && at !== start; ) {
          path.splice(1, 0, at);
          at = cameFrom.get(at);
        }
        return [...path, start];
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}
