#!/usr/bin/env bash
# One-time (and idempotent) set-up of everything the tests and the main job need, on a fresh machine:
# npm packages, the compiled library, the Elasticsearch distributions (Maven Central), the Pulumi CLI (Go) and the
# Docker proof's engine and image (scripts/docker-setup.sh; CCR_DOCKER=0 skips it).
# Caches outside the repository are reused when present. `npm run setup` runs only this.
# Elasticsearch versions set up: CCR_ES_VERSIONS ("8 9"), else CCR_ES_VERSION (one version), else both 8 and 9.
#   bash scripts/setup.sh --versions   prints the versions it would set up, and does nothing else
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "[setup $(date +%H:%M:%S)] $*"; }
fail() { echo "[setup] ERROR: $*" >&2; exit 2; }
es_versions="${CCR_ES_VERSIONS:-${CCR_ES_VERSION:-8 9}}"
if [ "${1:-}" = "--versions" ]; then echo "$es_versions"; exit 0; fi
[ $# -eq 0 ] || fail "unknown argument $1 (usage: bash scripts/setup.sh [--versions])"

command -v node >/dev/null || fail "node is not on PATH: install Node.js 20 or newer"
nodemajor=$(node -p 'process.versions.node.split(".")[0]')
[ "$nodemajor" -ge 20 ] || fail "Node.js $(node --version) is too old: need 20 or newer"
command -v java >/dev/null || fail "java is not on PATH: install a JDK 17 (Elasticsearch 8.x) and 21+ (9.x)"
command -v mvn >/dev/null || fail "mvn is not on PATH: install Apache Maven (Elasticsearch is fetched from Maven Central)"
command -v go >/dev/null || fail "go is not on PATH: install Go 1.25.11 or newer (the Pulumi CLI is built from its Go modules)"
command -v unzip >/dev/null || fail "unzip is not on PATH (Debian: apt-get install unzip)"
command -v openssl >/dev/null || fail "openssl is not on PATH (Debian: apt-get install openssl): the TLS tests make throw-away certificates with it"

stamp=node_modules/.ccr-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
# Programs (and the dynamic-provider shim, whose cwd is the program directory) import this package by name, as
# users do; inside the repository that name has to resolve to the repository itself.
ln -sfn .. node_modules/pulumi-elasticsearch-ccr

say "tsc build"
npm run --silent build

for v in $es_versions; do
  say "Elasticsearch distribution for CCR_ES_VERSION=$v"
  CCR_ES_VERSION=$v npx tsx sandbox/cli.ts fetch || fail "no Elasticsearch distribution for CCR_ES_VERSION=$v (see the message above)"
done

say "Pulumi CLI"
bash scripts/build-pulumi.sh >/dev/null
# The workflow linter the tests run on docs/ci/github-actions.yml (a Go build; cached by version).
say "actionlint"
bash scripts/build-actionlint.sh >/dev/null

# The Docker proof (test/docker): docker.io, our own dockerd and the local Elasticsearch image (one version:
# CCR_DOCKER_ES_VERSION, default 9). It needs root and apt; CCR_DOCKER=0 skips it, said out loud.
if [ "${CCR_DOCKER:-1}" = 0 ]; then
  say "Docker proof set-up skipped (CCR_DOCKER=0): test/docker cannot run"
else
  say "Docker engine and local Elasticsearch image"
  bash scripts/docker-setup.sh
fi
say "done"
