#!/usr/bin/env bash
# Starts a PostgreSQL cluster managed by Patroni on loopback: one etcd and
# HA_NODES (2 or 3, default 3) PostgreSQL instances, one primary and the
# others streaming replicas, with synchronous replication, so that a commit
# the primary acknowledges is already on a replica and a failover loses none.
# Everything lives in one directory (HA_DIR, default /tmp/jiceng-ha), which
# scripts/ha-down.sh stops and removes.
#
# Needs Debian's packages: apt-get install patroni etcd-server postgresql
#
# Prints the URL jiceng connects with, also written to $HA_DIR/url:
#   postgres://postgres@127.0.0.1:P1,127.0.0.1:P2,…/jiceng?target_session_attrs=read-write
# and the read replicas' URL ($HA_DIR/url-read, target_session_attrs=prefer-standby).
#
# Ports: PostgreSQL HA_PORT, HA_PORT+1, … (default 25432); Patroni's REST API
# 28008, 28009, …; etcd 22379 (clients) and 22380 (peers).
set -euo pipefail

HA_DIR="${HA_DIR:-/tmp/jiceng-ha}"
HA_NODES="${HA_NODES:-3}"
HA_PORT="${HA_PORT:-25432}"
REST_PORT="${HA_REST_PORT:-28008}"
ETCD_PORT="${HA_ETCD_PORT:-22379}"
ETCD_PEER_PORT=$((ETCD_PORT + 1))

case "$HA_NODES" in
2 | 3) ;;
*) echo "HA_NODES must be 2 or 3, not $HA_NODES" >&2; exit 2 ;;
esac
for c in patroni etcd curl; do
  command -v "$c" >/dev/null || { echo "missing $c: apt-get install patroni etcd-server postgresql curl" >&2; exit 1; }
done
PG_BIN="$( (ls -d /usr/lib/postgresql/*/bin 2>/dev/null || true) | sort -V | tail -n 1)"
[ -n "$PG_BIN" ] && [ -x "$PG_BIN/postgres" ] || { echo "no PostgreSQL server under /usr/lib/postgresql: apt-get install postgresql" >&2; exit 1; }
# A directory of its own, created here: one that exists already may be
# another cluster, or someone else's in /tmp.
if [ -e "$HA_DIR" ]; then
  echo "$HA_DIR exists: run scripts/ha-down.sh first, or set HA_DIR to a new path" >&2
  exit 1
fi

# PostgreSQL refuses to run as root: as root, the cluster runs as postgres.
as_pg=()
owner="$(id -un)"
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || { echo "no postgres user: apt-get install postgresql" >&2; exit 1; }
  as_pg=(runuser -u postgres --)
  owner=postgres
fi

mkdir -m 0700 "$HA_DIR"
chown "$owner" "$HA_DIR"
echo "cluster in $HA_DIR (on failure: see the logs there, then scripts/ha-down.sh)"

# etcd holds the leader key; Patroni talks to it over the v3 API.
setsid etcd --name ha --data-dir "$HA_DIR/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "ha=http://127.0.0.1:$ETCD_PEER_PORT" --logger zap \
  </dev/null >>"$HA_DIR/etcd.log" 2>&1 &
echo $! >"$HA_DIR/etcd.pid"
for _ in $(seq 1 50); do
  curl -fsS "http://127.0.0.1:$ETCD_PORT/health" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$ETCD_PORT/health" >/dev/null || { echo "etcd did not start: see $HA_DIR/etcd.log" >&2; exit 1; }

hosts=()
for i in $(seq 1 "$HA_NODES"); do
  port=$((HA_PORT + i - 1))
  rest=$((REST_PORT + i - 1))
  hosts+=("127.0.0.1:$port")
  cat >"$HA_DIR/pg$i.yml" <<EOF
scope: jiceng
name: pg$i
log:
  dir: $HA_DIR/log$i
restapi:
  listen: 127.0.0.1:$rest
  connect_address: 127.0.0.1:$rest
etcd3:
  hosts: 127.0.0.1:$ETCD_PORT
bootstrap:
  dcs:
    # A dead primary's leader key lapses after ttl; Patroni checks every
    # loop_wait seconds. primary_start_timeout 0: a primary whose server
    # died is not restarted in place when a synchronous replica can take
    # over at once.
    ttl: 20
    loop_wait: 2
    retry_timeout: 6
    primary_start_timeout: 0
    maximum_lag_on_failover: 1048576
    # A commit returns only once a replica has it: no acknowledged write is
    # lost when the primary dies, and only the synchronous replica may be
    # promoted.
    synchronous_mode: true
    postgresql:
      use_pg_rewind: true
      parameters:
        wal_level: replica
        hot_standby: "on"
        wal_log_hints: "on"
        max_wal_senders: 10
        max_replication_slots: 10
        max_connections: 200
  initdb:
    - encoding: UTF8
    - data-checksums
  # Trust on loopback: a cluster to try things on one machine, never a
  # production setting (see docs/OPERATIONS.md for passwords and TLS).
  pg_hba:
    - local all all trust
    - host replication replicator 127.0.0.1/32 trust
    - host all all 127.0.0.1/32 trust
postgresql:
  listen: 127.0.0.1:$port
  connect_address: 127.0.0.1:$port
  data_dir: $HA_DIR/pg$i
  bin_dir: $PG_BIN
  pgpass: $HA_DIR/pgpass$i
  authentication:
    replication:
      username: replicator
      password: replicator
    superuser:
      username: postgres
      password: postgres
  parameters:
    unix_socket_directories: $HA_DIR
EOF
  mkdir -p "$HA_DIR/log$i"
  chown -R "$owner" "$HA_DIR"
  setsid "${as_pg[@]}" patroni "$HA_DIR/pg$i.yml" </dev/null >>"$HA_DIR/patroni$i.out" 2>&1 &
  echo $! >"$HA_DIR/patroni$i.pid"
  if [ "$i" = 1 ]; then
    # The first node bootstraps the cluster; the others then copy it.
    for _ in $(seq 1 120); do
      [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$rest/primary")" = 200 ] && break
      sleep 0.5
    done
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$rest/primary")" = 200 ] ||
      { echo "pg1 did not become primary: see $HA_DIR/log1 and $HA_DIR/patroni1.out" >&2; exit 1; }
  fi
done

# Every replica streaming, one of them synchronous.
for i in $(seq 2 "$HA_NODES"); do
  rest=$((REST_PORT + i - 1))
  for _ in $(seq 1 240); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$rest/replica")" = 200 ] && break
    sleep 0.5
  done
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$rest/replica")" = 200 ] ||
    { echo "pg$i did not become a replica: see $HA_DIR/log$i and $HA_DIR/patroni$i.out" >&2; exit 1; }
done
synced=0
for _ in $(seq 1 120); do
  for i in $(seq 1 "$HA_NODES"); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$((REST_PORT + i - 1))/sync")" = 200 ]; then
      synced=1
    fi
  done
  [ "$synced" = 1 ] && break
  sleep 0.5
done
[ "$synced" = 1 ] || { echo "no replica became synchronous: see $HA_DIR/log*" >&2; exit 1; }

"$PG_BIN/psql" -h 127.0.0.1 -p "$HA_PORT" -U postgres -d postgres -qAtc "CREATE DATABASE jiceng" >/dev/null
joined="$(IFS=,; echo "${hosts[*]}")"
echo "postgres://postgres@$joined/jiceng?sslmode=disable&target_session_attrs=read-write" >"$HA_DIR/url"
echo "postgres://postgres@$joined/jiceng?sslmode=disable&target_session_attrs=prefer-standby" >"$HA_DIR/url-read"
chmod 0644 "$HA_DIR/url" "$HA_DIR/url-read"
patronictl -c "$HA_DIR/pg1.yml" list 2>/dev/null || true
cat "$HA_DIR/url"
