#!/usr/bin/env bash
# The README's main job: set-up, then three local clusters (primary, replica1, replica2) and `pulumi up` of the top-level program.
set -euo pipefail
cd "$(dirname "$0")/.."
# The main job uses the existing-clusters backend: no Docker set-up unless asked for (CCR_DOCKER=1).
CCR_DOCKER="${CCR_DOCKER:-0}" CCR_ES_VERSIONS="${CCR_ES_VERSION:-8}" bash scripts/setup.sh
exec npx tsx scripts/main.ts "$@"
