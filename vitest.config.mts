import { defineConfig } from "vitest/config";

// Pure unit tests run in parallel; everything that starts Elasticsearch nodes or the Pulumi CLI runs one file at a
// time (2 cores; each node wants a core while it boots). Which project runs when: scripts/test.sh.
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
        // Runs the real Pulumi CLI but no cluster (bad input is refused before any request, whatever the version; the
        // policy pack judges a preview): once per `npm test`, not once per Elasticsearch version (scripts/test.sh).
        test: {
          name: "no-cluster",
          include: ["test/bad-input/**/*.test.ts", "test/examples/policy-pack.test.ts"],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 900_000,
        },
      },
      {
        // The full fault matrix (test/faults/fault-matrix.test.ts with CCR_FAULTS=full: also the leader node's SIGKILL),
        // on demand: `CCR_ES_VERSION=8 npx vitest run --project faults`. The integration project runs the same file
        // without that case, per version, in `npm test`.
        test: {
          name: "faults",
          include: ["test/faults/fault-matrix.test.ts"],
          env: { CCR_FAULTS: "full" },
          globalSetup: ["test/support/global-setup.ts"],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 400_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/**/*.test.ts"],
          exclude: ["test/unit/**", "test/ccr/unit/**", "test/docker/**", "test/bad-input/**", "test/examples/policy-pack.test.ts", "**/node_modules/**"],
          globalSetup: ["test/support/global-setup.ts"],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 400_000,
        },
      },
      {
        // The Docker backend on a real engine: one Elasticsearch version (CCR_DOCKER_ES_VERSION, default 9), run once
        // by scripts/test.sh, not per CCR_ES_VERSION.
        test: {
          name: "docker",
          include: ["test/docker/**/*.test.ts"],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 400_000,
        },
      },
    ],
  },
});
