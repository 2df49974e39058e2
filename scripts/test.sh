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
status=0
say "no-cluster tests (the real CLI, no Elasticsearch: once, not per version)"
npx vitest run --project no-cluster || status=1
for v in ${CCR_ES_VERSIONS:-8 9}; do
  t1=$(date +%s)
  say "integration tests on CCR_ES_VERSION=$v"
  CCR_ES_VERSION=$v npx vitest run --project integration || status=1
  say "integration tests on CCR_ES_VERSION=$v took $(( $(date +%s) - t1 ))s"
done
npx tsx sandbox/cli.ts cleanup
say "total $(( $(date +%s) - t0 ))s"
exit $status
