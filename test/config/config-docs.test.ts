import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  configTable,
  documentedKeys,
  schemaKeys,
  tableMarkers,
  withTable,
} from "../../scripts/config-docs.js";

const yaml = readFileSync("config.yml", "utf8");
const readme = readFileSync("README.md", "utf8");

describe("the configuration's documentation", () => {
  it("config.yml documents every key of the schema once, with a comment, and no other key", () => {
    const documented = documentedKeys(yaml);
    expect(documented.map((doc) => doc.key)).toEqual(schemaKeys());
    expect(documented.filter((doc) => doc.comment === "").map((doc) => doc.key)).toEqual([]);
  });

  it("the README's configuration table is the one made from config.yml and the schema (npm run docs:config)", () => {
    expect(withTable(readme, configTable(yaml))).toBe(readme);
  });

  it("a key documented in config.yml but not in the schema shows in the table, so the README check fails", () => {
    const extra = `${yaml}\nextra:\n  # A key the schema lacks.\n  knob: 1\n`;
    expect(configTable(extra)).toMatch(
      /\| `extra\.knob` +\| +\| \(not in the schema\) +\| A key the schema lacks/,
    );
    expect(withTable(readme, configTable(extra))).not.toBe(readme);
  });

  it("the table sits between its markers in the README", () => {
    expect(readme).toContain(tableMarkers.start);
    expect(readme).toContain(tableMarkers.end);
  });
});
