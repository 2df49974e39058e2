#!/usr/bin/env bash
# The README's test command: set-up on a fresh machine, then every test, once per Elasticsearch version.
#   CCR_ES_VERSIONS="8 9"  versions to run (majors or exact versions)
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "[test $(date +%H:%M:%S)] $*"; }
t0=$(date +%s)
CCR_ES_VERSIONS="${CCR_ES_VERSIONS:-8 9}" bash scripts/setup.sh
say "set-up took $(( $(date +%s) - t0 ))s"
npx tsx sandbox/cli.ts cleanup

say "type check"
npx tsc -p tsconfig.test.json --noEmit
say "API reference (TypeDoc; every warning, e.g. an undocumented export, fails)"
npm run --silent docs >/dev/null
say "unit tests"
npx vitest run --project unit
# The versions' integration runs are independent (own nodes on free ports, own temp folders, own Pulumi backends)
# and spend much of their time waiting on nodes and the CLI, so they run side by side on the 2 cores:
# CCR_TEST_SERIAL=1 runs them one after the other. Each run's lines are prefixed with its version.
status=0
run_version() {
  local v=$1 t1; t1=$(date +%s)
  say "integration tests on CCR_ES_VERSION=$v"
  local rc=0
  # pipefail (set above) makes the pipeline fail when vitest does, whatever sed returns.
  CCR_ES_VERSION=$v npx vitest run --project integration 2>&1 | sed -u "s/^/[es$v] /" || rc=1
  say "integration tests on CCR_ES_VERSION=$v took $(( $(date +%s) - t1 ))s (exit $rc)"
  return $rc
}
versions=(${CCR_ES_VERSIONS:-8 9})
if [ "${CCR_TEST_SERIAL:-0}" = 1 ] || [ ${#versions[@]} -lt 2 ]; then
  for v in "${versions[@]}"; do run_version "$v" || status=1; done
else
  pids=()
  for v in "${versions[@]}"; do run_version "$v" & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || status=1; done
fi
# Once, not per version, after the integration runs (not beside them: same 2 cores): the real CLI without a
# cluster (bad input, the policy pack), then the Docker backend on a real engine (CCR_DOCKER_ES_VERSION, default 9).
t1=$(date +%s)
say "no-cluster tests (the real CLI, no Elasticsearch)"
npx vitest run --project no-cluster || status=1
say "no-cluster tests took $(( $(date +%s) - t1 ))s"
t1=$(date +%s)
say "Docker proof (test/docker, CCR_DOCKER_ES_VERSION=${CCR_DOCKER_ES_VERSION:-9}, the local image)"
npx vitest run --project docker || status=1
say "Docker proof took $(( $(date +%s) - t1 ))s"
npx tsx sandbox/cli.ts cleanup
say "total $(( $(date +%s) - t0 ))s"
exit $status
