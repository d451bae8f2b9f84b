import { describe, expect, it } from "vitest";
import { findCycles, folderGraph } from "./folder-graph.js";

describe("folder imports of src/", () => {
  it("no folder imports another that imports it back (src/gen left out)", () => {
    const cycles = findCycles(folderGraph("src", ["gen"])).map((cycle) => cycle.join(" → "));
    expect(cycles).toEqual([]);
  });

  it("the check finds and names a cycle, the shortest way round", () => {
    const graph = new Map([
      ["admin", new Set(["observability"])],
      ["observability", new Set(["admin", "storage"])],
      ["storage", new Set(["domain"])],
      ["domain", new Set<string>()],
      ["a", new Set(["b"])],
      ["b", new Set(["c"])],
      ["c", new Set(["a"])],
    ]);
    expect(findCycles(graph)).toEqual([
      ["a", "b", "c", "a"],
      ["admin", "observability", "admin"],
    ]);
  });

  it("reads the relative imports of the files on disk, folded to folders", () => {
    const graph = folderGraph("src", ["gen"]);
    expect(graph.get(".")).toContain("config");
    expect(graph.get("storage")).toContain("riak");
    expect(graph.has("gen")).toBe(false);
  });
});
