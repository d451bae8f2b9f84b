// `npm run docs:config`: writes the configuration table (see config-docs.ts)
// into README.md, between its markers.
import { readFile, writeFile } from "node:fs/promises";
import { configTable, withTable } from "./config-docs.js";

const [yaml, readme] = await Promise.all([
  readFile("config.yml", "utf8"),
  readFile("README.md", "utf8"),
]);
await writeFile("README.md", withTable(readme, configTable(yaml)));
