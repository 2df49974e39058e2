#!/usr/bin/env bash
# Builds actionlint (the GitHub Actions workflow linter, a Go module) and caches it by version outside the
# repository: $CCR_CACHE_DIR/actionlint/<version>/actionlint (default cache root ~/.cache/es-ccr). The tests lint the
# ready-to-copy workflow in docs/ with it (test/examples/workflow.test.ts).
#
#   scripts/build-actionlint.sh        # prints the binary's path on the last line of stdout
#
# Environment:
#   ACTIONLINT_VERSION   version to build (default: the pin below)
#   CCR_CACHE_DIR        cache root (default: ~/.cache/es-ccr)
set -euo pipefail

V="${ACTIONLINT_VERSION:-v1.7.12}"
CACHE="${CCR_CACHE_DIR:-$HOME/.cache/es-ccr}"
DIR="$CACHE/actionlint/$V"
log() { echo "[build-actionlint] $*" >&2; }

if [ -x "$DIR/actionlint" ]; then
  log "cached: $DIR/actionlint"
  echo "$DIR/actionlint"
  exit 0
fi
command -v go >/dev/null 2>&1 || { log "ERROR: 'go' is not on PATH (actionlint is built from its Go module)."; exit 2; }

export GOTOOLCHAIN=local CGO_ENABLED=0
W="$CACHE/actionlint/build-$V"
rm -rf "$W" "$DIR.tmp" && mkdir -p "$W" "$DIR.tmp"
(
  cd "$W"
  printf 'module local/actionlintbuild\n\ngo 1.25\n' > go.mod
  log "go get github.com/rhysd/actionlint@$V"
  go get "github.com/rhysd/actionlint/cmd/actionlint@$V" >&2
  log "go build actionlint@$V"
  go build -trimpath -ldflags "-s -w -X github.com/rhysd/actionlint.version=$V" -o "$DIR.tmp/actionlint" github.com/rhysd/actionlint/cmd/actionlint >&2
) || { log "ERROR: building actionlint $V failed (see above)"; exit 3; }
rm -rf "$DIR" && mv "$DIR.tmp" "$DIR" && rm -rf "$W"
log "built: $DIR/actionlint"
echo "$DIR/actionlint"
