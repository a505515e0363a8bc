#!/usr/bin/env bash
# Cluster throughput for 1, 2 and 3 silos on this machine (docs/cluster.md): a store started here (Redis on
# 127.0.0.1:6392 by default; STORE=postgres: a private PostgreSQL from the Debian packages on 127.0.0.1:5435), N silo
# processes, one warm-up scan, then RUNS timed `scan --cluster` runs per silo count, next to the single-process scan
# of the same log. MODE=partitioned times `scan --cluster --order-independent` (one partition per live silo) next to
# the single-process `scan --order-independent` instead.
# PARTITIONS=N fixes the partition count instead; SILOS="1 2" limits the silo counts tried.
# Usage: [STORE=redis|postgres] [MODE=detector|partitioned] [PARTITIONS=N] [SILOS="1 2 3"] bench/cluster-throughput.sh BIN_DIR TRAFFIC ACCOUNTS [RUNS] [ANALYSIS_WINDOW]
set -uo pipefail
bin=$1; traffic=$2; accounts=$3; runs=${4:-2}; window=${5:-4}
store=${STORE:-redis}
case ${MODE:-detector} in
  detector) mode_args=(--analysis-window "$window") ;;
  partitioned) mode_args=(--order-independent); [ -n "${PARTITIONS:-}" ] && mode_args+=(--partitions "$PARTITIONS") ;;
  *) echo "MODE: expected detector or partitioned, got '$MODE'"; exit 2 ;;
esac
single_args=()
[ "${MODE:-detector}" = partitioned ] && single_args=(--order-independent)
dg="$bin/distillguard"
work=$(mktemp -d)
pids=()
source "$(dirname "$0")/../.ci/cluster-lib.sh"
case $store in
  redis)
    port=6392
    stop_store() { redis-cli -p $port shutdown nosave >/dev/null 2>&1; }
    redis-server --port $port --bind 127.0.0.1 --save "" --appendonly no --daemonize yes --logfile "$work/redis.log" || exit 1
    sleep 0.3
    store_args=(--redis 127.0.0.1:$port)
    ;;
  postgres)
    port=5435
    pg=$(mktemp -d /tmp/dg-bench-pg.XXXXXX)
    stop_store() { stop_postgres "$pg"; }
    start_postgres "$pg" $port bench-pg || exit 1
    export PGPASSWORD=bench-pg DISTILLGUARD_POSTGRES="Host=127.0.0.1;Port=$port;Database=postgres;Username=postgres"
    store_args=()
    ;;
  *) echo "STORE: expected redis or postgres, got '$store'"; exit 2 ;;
esac
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; sleep 1; stop_store; rm -rf "$work"; }
trap cleanup EXIT
echo "store: $store, mode: ${MODE:-detector}"

echo "single process:"
# Wall time of the whole process (an order-independent scan's --stats rate leaves out its census pass).
t0=$(date +%s.%N)
single=$("$dg" scan "$traffic" --accounts "$accounts" "${single_args[@]}" --quiet --format json --stats 2>&1 >/dev/null)
t1=$(date +%s.%N)
ex=$(echo "$single" | grep -oP '"exchanges":\K\d+' | head -1)
awk -v ex="$ex" -v t0="$t0" -v t1="$t1" 'BEGIN{s = t1 - t0; printf "  %d exchanges in %.1f s wall, process start included (%.0f/s)\n", ex, s, ex/s}'
for n in ${SILOS:-1 2 3}; do
  launch_silo silo$n "${store_args[@]}" --cluster-id bench --silo-port $((11130 + n)) --gateway-port $((30030 + n))
  await_silo silo$n || exit 1
  echo "$n silo(s):"
  for r in $(seq 0 "$runs"); do
    line=$("$dg" scan "$traffic" --accounts "$accounts" --cluster "${store_args[@]}" --cluster-id bench "${mode_args[@]}" \
      --quiet --stats --format json 2>&1 >/dev/null | grep "cluster: job .* exchanges in")
    [ "$r" -eq 0 ] && continue  # warm-up (JIT on the silos)
    echo "  $line" | sed 's/cluster: job [^:]*: //; s/detector ended on silo [^ ]* //'
  done
done
