#!/usr/bin/env bash
# Set-up of the Docker proof (test/docker): Debian's docker.io and debootstrap (apt, when missing), our own dockerd
# (scripts/docker-engine.sh; started for the build and stopped again, by PID, if this script started it) and the
# local Elasticsearch image (scripts/docker-image.sh; cached, rebuilt only when an input changes).
#   bash scripts/docker-setup.sh [version]   (a major or x.y.z; default CCR_DOCKER_ES_VERSION, else 9)
# Fails with the reason when it cannot (not root, no apt-get, apt failing, no dockerd): the proof never skips.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "[docker-setup $(date +%H:%M:%S)] $*"; }
fail() { echo "[docker-setup] ERROR: $*" >&2; echo "[docker-setup] (CCR_DOCKER=0 bash scripts/setup.sh skips this set-up; test/docker then fails)" >&2; exit 2; }
version="${1:-${CCR_DOCKER_ES_VERSION:-9}}"

[ "$(id -u)" = 0 ] || fail "the Docker proof needs root: dockerd and debootstrap run as root, and the Docker engine is installed with apt (uid $(id -u) here)"
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || fail "no apt-get on this machine: install ${missing[*]} (Debian packages: dockerd with containerd and runc; debootstrap) by hand"
  say "apt-get install ${missing[*]}"
  # The packages' maintainer scripts would start a system docker service: a policy-rc.d that denies it keeps the
  # machine's services as they are (ours runs with its own paths, scripts/docker-engine.sh). Only ours is removed.
  own_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=1
  fi
  install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/es-ccr-docker-apt.log 2>&1; }
  ok=1
  install || { say "apt-get update (package lists may be stale)"; apt-get update -q >>/tmp/es-ccr-docker-apt.log 2>&1 && install; } || ok=""
  [ -z "$own_policy" ] || rm -f /usr/sbin/policy-rc.d
  [ -n "$ok" ] || { tail -15 /tmp/es-ccr-docker-apt.log >&2; fail "apt-get install ${missing[*]} failed (log: /tmp/es-ccr-docker-apt.log)"; }
  command -v dockerd >/dev/null || fail "docker.io is installed but dockerd is not on PATH"
fi

engine=$(bash scripts/docker-engine.sh start | tail -1)
pid=$(sed -n 's/.* PID=\([0-9]*\) .*/\1/p' <<<"$engine")
started=$(sed -n 's/.* STARTED=\([01]\)$/\1/p' <<<"$engine")
[ -n "$pid" ] || fail "scripts/docker-engine.sh start printed no PID: $engine"
if [ "$started" = 1 ]; then trap 'bash scripts/docker-engine.sh stop "$pid"' EXIT; fi
say "Docker engine $(sed -n 's/^DOCKER_HOST=\([^ ]*\).*/\1/p' <<<"$engine") (dockerd $pid$([ "$started" = 1 ] && echo ", started for the build" || echo ", already running"))"
tag=$(bash scripts/docker-image.sh "$version" | tail -1)
say "image $tag ready"
