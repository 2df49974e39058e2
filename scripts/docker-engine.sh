#!/usr/bin/env bash
# The project's own Docker engine (Debian's docker.io): a dockerd with its own data root, exec root, socket and
# pidfile, so it never meets a system dockerd (nor its /var/lib/docker, /run/docker.sock or the docker0 bridge).
#   bash scripts/docker-engine.sh start     starts it unless ours is already running; last line:
#                                           `DOCKER_HOST=unix://… PID=<pid> STARTED=1|0` (0: it was running already)
#   bash scripts/docker-engine.sh stop PID  stops that dockerd (only if PID is the one in our pidfile)
#   bash scripts/docker-engine.sh status    prints the same line as start when ours runs, exits 1 otherwise
# Whoever started it (STARTED=1) stops it, by PID. Needs root (dockerd does) and docker.io installed
# (scripts/docker-setup.sh installs it).
set -euo pipefail
cache="${CCR_CACHE_DIR:-/var/cache/es-ccr}/docker"
# The exec root holds containerd's sockets: it must be short (unix socket paths are limited to 108 bytes).
run=/run/es-ccr-docker
sock="$run/docker.sock"
pidfile="$run/dockerd.pid"
fail() { echo "[docker-engine] ERROR: $*" >&2; exit 2; }

ours_pid() {
  local pid
  pid=$(cat "$pidfile" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  # The pidfile may be stale and its PID reused: it is ours only if that process is a dockerd on our socket.
  tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "--host unix://$sock" || return 1
  echo "$pid"
}

line() { echo "DOCKER_HOST=unix://$sock PID=$1 STARTED=$2"; }

case "${1:-}" in
  status)
    pid=$(ours_pid) || exit 1
    line "$pid" 0 ;;
  start)
    [ "$(id -u)" = 0 ] || fail "dockerd must run as root (uid $(id -u) here): run the set-up and the Docker test as root"
    command -v dockerd >/dev/null || fail "dockerd is not installed: run bash scripts/docker-setup.sh (installs Debian's docker.io)"
    if pid=$(ours_pid); then line "$pid" 0; exit 0; fi
    mkdir -p "$cache/data" "$run"
    rm -f "$pidfile" "$sock"
    # --bridge=none: no default docker0 bridge (a system dockerd may own one); the topology uses its own network.
    # No --default-ulimit: containers inherit dockerd's limits (nofile 20000 here); raising them above the hard
    # limit fails container start-up.
    setsid dockerd \
      --data-root "$cache/data" --exec-root "$run" --host "unix://$sock" --pidfile "$pidfile" \
      --bridge=none --storage-driver=overlay2 \
      </dev/null >>"$cache/dockerd.log" 2>&1 &
    started=$!
    for _ in $(seq 1 100); do
      if [ -S "$sock" ] && curl -sf --unix-socket "$sock" http://engine/_ping >/dev/null 2>&1; then
        line "$started" 1; exit 0
      fi
      [ -d "/proc/$started" ] || break
      sleep 0.2
    done
    tail -20 "$cache/dockerd.log" >&2
    kill "$started" 2>/dev/null || true
    fail "dockerd did not answer on $sock within 20s (log: $cache/dockerd.log)" ;;
  stop)
    want="${2:-}"
    [ -n "$want" ] || fail "usage: docker-engine.sh stop PID"
    pid=$(ours_pid) || { echo "[docker-engine] no dockerd of ours is running"; exit 0; }
    [ "$pid" = "$want" ] || fail "PID $want is not our dockerd (ours is $pid): not stopping it"
    kill -TERM "$pid"
    # dockerd stops its containers (each within its stop timeout) and its containerd before it exits.
    for _ in $(seq 1 450); do [ -d "/proc/$pid" ] || exit 0; sleep 0.2; done
    fail "dockerd $pid did not exit within 90s" ;;
  *)
    fail "usage: docker-engine.sh start | stop PID | status" ;;
esac
