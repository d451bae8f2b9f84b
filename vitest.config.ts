import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "clients/typescript/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Server tests bind real ports and child processes; two cores run them best one file pair at a time.
    maxWorkers: 2,
  },
});
