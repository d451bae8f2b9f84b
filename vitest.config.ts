import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "test/**/*.test.ts",
      "clients/typescript/test/**/*.test.ts",
      "clients/web/test/**/*.test.ts",
    ],
    // Builds the web inbox that services under test serve at /inbox/.
    globalSetup: ["test/support/build-web-inbox.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Server tests bind real ports and child processes; two cores run them best one file pair at a time.
    maxWorkers: 2,
  },
});
