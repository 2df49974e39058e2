#!/usr/bin/env bash
# Builds the real Pulumi CLI from Pulumi's published Go modules (through the Go module proxy), caches
# it by version outside the repository, and links the dynamic-provider shim from @pulumi/pulumi next
# to it.
#
# The Node.js language host is built too, so that `pulumi up` runs in a project directory as users run
# it. Its own module (sdk/nodejs/cmd/pulumi-language-nodejs/v3) has only pseudo-versions, which the
# module proxy here refuses; but github.com/pulumi/pulumi/sdk/v3 up to and including v3.68.0 still
# carries nodejs/cmd/pulumi-language-nodejs inside the sdk module itself. That old host speaks the
# language-host protocol the current CLI still accepts (the CLI falls back on the newer RPCs), so it is
# pinned at v3.68.0 (PULUMI_LANGUAGE_HOST_VERSION) and cached by that version next to the CLI.
#
#   scripts/build-pulumi.sh            # prints the bin directory on the last line of stdout
#
# Environment:
#   PULUMI_CLI_VERSION   CLI version to build (default: the pin below)
#   CCR_CACHE_DIR        cache root (default: ~/.cache/es-ccr)
set -euo pipefail

PV="${PULUMI_CLI_VERSION:-v3.274.1}"
LHV="${PULUMI_LANGUAGE_HOST_VERSION:-v3.68.0}"
CACHE="${CCR_CACHE_DIR:-$HOME/.cache/es-ccr}"
OUT="$CACHE/pulumi/$PV"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
log() { echo "[build-pulumi] $*" >&2; }

need() { command -v "$1" >/dev/null 2>&1 || { log "ERROR: '$1' is not on PATH. $2"; exit 2; }; }
need go "Install Go >= 1.25.11 (the Pulumi modules declare 'go 1.25.11')."
need node "Install Node.js 20 or newer."
gov=$(go env GOVERSION | sed 's/^go//')
if ! printf '%s\n%s\n' "1.25.11" "$gov" | sort -V -C; then
  log "ERROR: Go $gov is too old; the Pulumi modules need Go >= 1.25.11."; exit 2
fi

link_shim() {
  local shim="$ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
  if [ ! -x "$shim" ]; then log "ERROR: $shim is missing; run 'npm ci' first."; exit 2; fi
  ln -sf "$shim" "$OUT/bin/pulumi-resource-pulumi-nodejs"
}

export GOTOOLCHAIN=local CGO_ENABLED=0
step() { local what="$1"; shift; log "$what"; if ! "$@" >&2; then log "ERROR: failed: $what"; exit 3; fi; }

# The language host, cached by its own version: $CACHE/pulumi/language-nodejs-<ver>/pulumi-language-nodejs.
build_language_host() {
  local dir="$CACHE/pulumi/language-nodejs-$LHV" w="$CACHE/pulumi/build-language-nodejs-$LHV"
  if [ ! -x "$dir/pulumi-language-nodejs" ]; then
    rm -rf "$w" && mkdir -p "$w"
    (
      cd "$w"
      printf 'module local/pulumilanguagehost\n\ngo 1.25.11\n' > go.mod
      step "go get github.com/pulumi/pulumi/sdk/v3@$LHV (the Node.js language host)" \
        go get "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs@$LHV"
      mkdir -p "$dir.tmp"
      step "go build pulumi-language-nodejs@$LHV" \
        go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$LHV" \
          -o "$dir.tmp/" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs
    ) || exit 3
    rm -rf "$dir" && mv "$dir.tmp" "$dir" && rm -rf "$w"
    log "built: pulumi-language-nodejs $LHV"
  fi
  ln -sf "$dir/pulumi-language-nodejs" "$OUT/bin/pulumi-language-nodejs"
}

if [ -x "$OUT/bin/pulumi" ]; then
  log "cached: $OUT/bin ($("$OUT/bin/pulumi" version))"
  link_shim
  build_language_host
  echo "$OUT/bin"
  exit 0
fi

W="$CACHE/pulumi/build-$PV"
rm -rf "$W" && mkdir -p "$W" && cd "$W"
cat > go.mod <<GOMOD
module local/pulumibuild

go 1.25.11

// Pulumi's own go.mod replaces the clipboard module with this fork; replace directives of
// dependencies are ignored by Go, so the wrapper has to repeat it.
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
GOMOD

step "go get github.com/pulumi/pulumi/pkg/v3@$PV and sdk/v3@$PV" \
  go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@$PV" "github.com/pulumi/pulumi/sdk/v3@$PV"
got=$(go list -m github.com/pulumi/pulumi/pkg/v3 github.com/pulumi/pulumi/sdk/v3 | awk '{print $2}' | sort -u)
if [ "$got" != "$PV" ]; then log "ERROR: pkg/sdk resolved to '$got', expected $PV"; exit 3; fi
mkdir -p "$OUT/bin.tmp"
step "go build github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@$PV (takes a while on 2 cores)" \
  go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PV" \
    -o "$OUT/bin.tmp/" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
rm -rf "$OUT/bin" && mv "$OUT/bin.tmp" "$OUT/bin"
rm -rf "$W"
log "built: $("$OUT/bin/pulumi" version)"
link_shim
build_language_host
echo "$OUT/bin"
