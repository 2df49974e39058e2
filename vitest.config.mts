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
        test: {
          name: "integration",
          include: ["test/**/*.test.ts"],
          exclude: ["test/unit/**", "test/ccr/unit/**", "test/docker/**", "test/examples/policy-pack.test.ts", "**/node_modules/**"],
          globalSetup: ["test/support/global-setup.ts"],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 400_000,
        },
      },
      {
        // Run once by scripts/test.sh, not per CCR_ES_VERSION: the Docker backend on a real engine (one Elasticsearch
        // version, CCR_DOCKER_ES_VERSION, default 9), and the policy pack's preview (the real CLI, no cluster).
        test: {
          name: "once",
          include: ["test/docker/**/*.test.ts", "test/examples/policy-pack.test.ts"],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 400_000,
        },
      },
    ],
  },
});
