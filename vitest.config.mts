import { defineConfig } from "vitest/config";

// Two projects: pure unit tests run in parallel; everything that starts Elasticsearch nodes or the Pulumi CLI runs
// one file at a time (2 cores; each node wants a core while it boots).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts", "test/ccr/unit/**/*.test.ts"],
        },
      },
      {
        // Runs the real Pulumi CLI but no cluster (bad input is refused before any request, whatever the version):
        // once per `npm test`, not once per Elasticsearch version (scripts/test.sh).
        test: {
          name: "no-cluster",
          include: ["test/bad-input/**/*.test.ts"],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 900_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/**/*.test.ts"],
          exclude: ["test/unit/**", "test/ccr/unit/**", "test/bad-input/**", "**/node_modules/**"],
          globalSetup: ["test/support/global-setup.ts"],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 400_000,
        },
      },
    ],
  },
});
