#!/usr/bin/env bash
# Builds OpenTofu and Elastic's Terraform provider (terraform-provider-elasticstack) from their published Go
# modules, for the side-by-side benchmark only (bench/terraform.ts). Each is built from its own module
# directory after `go mod download` of it (its go.mod and go.sum as released, no edits), one build at a time,
# and cached by version:
#   ~/.cache/es-ccr/opentofu/<ver>/tofu
#   ~/.cache/es-ccr/terraform-provider-elasticstack/<ver>/terraform-provider-elasticstack
#
#   scripts/build-terraform.sh     # prints "tofu=<path>" and "provider=<path>" on the last two lines of stdout
#
# Environment: TOFU_VERSION (default v1.12.6), ELASTICSTACK_VERSION (default v0.16.2), CCR_CACHE_DIR.
set -euo pipefail

TOFU_VERSION="${TOFU_VERSION:-v1.12.6}"
ES_TF_VERSION="${ELASTICSTACK_VERSION:-v0.16.2}"
CACHE="${CCR_CACHE_DIR:-$HOME/.cache/es-ccr}"
log() { echo "[build-terraform] $*" >&2; }
command -v go >/dev/null || { log "ERROR: go is not on PATH"; exit 2; }
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}" CGO_ENABLED=0

# build <module> <version> <package in the module> <binary name> <cache name>
build() {
  local mod="$1" ver="$2" pkg="$3" bin="$4" name="$5"
  local out="$CACHE/$name/$ver"
  if [ -x "$out/$bin" ]; then echo "$out/$bin"; return; fi
  # One Go build at a time on this machine: wait for any other `go build` to finish first.
  while pgrep -x go >/dev/null && pgrep -af "go build" >/dev/null; do log "waiting for another Go build to finish"; sleep 20; done
  log "go mod download $mod@$ver"
  local dir
  dir=$(go mod download -json "$mod@$ver" | sed -n 's/^\s*"Dir": "\(.*\)",\?$/\1/p')
  [ -d "$dir" ] || { log "ERROR: no module directory for $mod@$ver"; exit 3; }
  log "module directory: $dir (go $(sed -n 's/^go //p' "$dir/go.mod"))"
  (cd "$dir" && go mod download) >&2
  mkdir -p "$out.tmp"
  log "go build $pkg ($name $ver)"
  local t0=$SECONDS
  (cd "$dir" && go build -trimpath -ldflags "-s -w" -o "$out.tmp/$bin" "$pkg") >&2
  rm -rf "$out" && mv "$out.tmp" "$out"
  log "built $name $ver in $((SECONDS - t0)) s"
  echo "$out/$bin"
}

tofu=$(build github.com/opentofu/opentofu "$TOFU_VERSION" ./cmd/tofu tofu opentofu)
provider=$(build github.com/elastic/terraform-provider-elasticstack "$ES_TF_VERSION" . terraform-provider-elasticstack terraform-provider-elasticstack)
echo "tofu=$tofu"
echo "provider=$provider"
