#!/usr/bin/env bash
# Stops the cluster scripts/ha-up.sh started in HA_DIR (default
# /tmp/jiceng-ha) and removes the directory with its data.
set -uo pipefail

HA_DIR="${HA_DIR:-/tmp/jiceng-ha}"
[ -d "$HA_DIR" ] || exit 0

stop() { # pid file: SIGTERM, then SIGKILL after 20 s
  local f="$1" pid
  [ -f "$f" ] || return 0
  pid="$(cat "$f")"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
}

# Patroni first: stopped, it stops its PostgreSQL; then etcd.
for f in "$HA_DIR"/patroni*.pid; do
  stop "$f"
done
# A postmaster left behind (Patroni killed by hand) is stopped by its pid file.
for pid in "$HA_DIR"/pg*/postmaster.pid; do
  [ -f "$pid" ] && kill -KILL "$(head -n 1 "$pid")" 2>/dev/null
done
stop "$HA_DIR/etcd.pid"
rm -rf "$HA_DIR"
