import { describe, expect, it } from "vitest";
import { itemMove, tabMove } from "../src/key-moves.js";

describe("keyboard moves", () => {
  it("move among items one at a time or to either end, never past them", () => {
    expect(itemMove("ArrowDown", 0, 3)).toBe(1);
    expect(itemMove("PageDown", 2, 3)).toBe(2);
    expect(itemMove("ArrowUp", 0, 3)).toBe(0);
    expect(itemMove("PageUp", 2, 3)).toBe(1);
    expect(itemMove("Home", 2, 3)).toBe(0);
    expect(itemMove("End", 0, 3)).toBe(2);
    expect(itemMove("Enter", 0, 3)).toBeUndefined();
    expect(itemMove("a", 0, 3)).toBeUndefined();
  });

  it("move between the two tabs", () => {
    expect(tabMove("ArrowRight", false)).toBe(true);
    expect(tabMove("ArrowLeft", false)).toBe(true);
    expect(tabMove("ArrowRight", true)).toBe(false);
    expect(tabMove("Home", true)).toBe(false);
    expect(tabMove("End", false)).toBe(true);
    expect(tabMove("Tab", false)).toBeUndefined();
  });
});
