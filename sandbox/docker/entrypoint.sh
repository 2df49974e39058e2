#!/bin/bash
# Entry point of the locally built image (scripts/docker-image.sh): the integ-test-zip on a Debian minbase root
# filesystem, started the way Elastic's official image is configured, so the Docker backend's containers
# (provider/components/topology/docker.ts) run unchanged on either image:
# - every environment variable whose name is a dotted lower-case setting (`discovery.type=single-node`) becomes a
#   `-E` option of the node; other variables (ES_JAVA_OPTS, PATH, …) are left to the launcher;
# - ELASTIC_PASSWORD becomes the keystore's `bootstrap.password` (the `elastic` user's password until one is stored
#   in the .security index) and is removed from the node's environment.
# bash, not sh: dash drops environment variables whose names are not shell identifiers (every dotted setting).
set -euo pipefail
cd /usr/share/elasticsearch
if [ -n "${ELASTIC_PASSWORD:-}" ]; then
  # --force creates the keystore when missing (`elasticsearch-keystore create` would add cluster-state encryption
  # settings the integ-test-zip has no module for, and the node would refuse them).
  printf '%s' "$ELASTIC_PASSWORD" | bin/elasticsearch-keystore add --stdin --force bootstrap.password >/dev/null
fi
unset ELASTIC_PASSWORD
settings=$(mktemp)
env | grep -E '^[a-z0-9_]+(\.[a-z0-9_-]+)+=' > "$settings" || true
while IFS= read -r setting; do
  set -- "$@" "-E$setting"
done < "$settings"
rm -f "$settings"
exec bin/elasticsearch "$@"
