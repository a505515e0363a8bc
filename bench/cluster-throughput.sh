#!/usr/bin/env bash
# Cluster throughput for 1, 2 and 3 silos on this machine (docs/cluster.md): a Redis on 127.0.0.1:6392 started here,
# N silo processes, one warm-up scan, then RUNS timed `scan --cluster` runs per silo count, next to the single-process
# scan of the same log.
# Usage: bench/cluster-throughput.sh BIN_DIR TRAFFIC ACCOUNTS [RUNS] [ANALYSIS_WINDOW]
set -uo pipefail
bin=$1; traffic=$2; accounts=$3; runs=${4:-2}; window=${5:-4}
dg="$bin/distillguard"
port=6392
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; redis-cli -p $port shutdown nosave >/dev/null 2>&1; rm -rf "$work"; }
trap cleanup EXIT
redis-server --port $port --bind 127.0.0.1 --save "" --appendonly no --daemonize yes --logfile "$work/redis.log" || exit 1
sleep 0.3

echo "single process:"
"$dg" scan "$traffic" --accounts "$accounts" --quiet --format json --stats 2>&1 >/dev/null | grep -oP '"exchanges":\d+|"exchanges_per_second":\d+' | paste -sd' '
for n in 1 2 3; do
  "$dg" silo --redis 127.0.0.1:$port --cluster-id bench --silo-port $((11130 + n)) --gateway-port $((30030 + n)) > "$work/silo$n.log" 2>&1 &
  pids+=($!); disown
  for _ in $(seq 300); do grep -q "joined cluster" "$work/silo$n.log" && break; sleep 0.1; done
  echo "$n silo(s):"
  for r in $(seq 0 "$runs"); do
    line=$("$dg" scan "$traffic" --accounts "$accounts" --cluster --redis 127.0.0.1:$port --cluster-id bench --analysis-window "$window" \
      --quiet --stats --format json 2>&1 >/dev/null | grep "cluster: job")
    [ "$r" -eq 0 ] && continue  # warm-up (JIT on the silos)
    echo "  $line" | sed 's/cluster: job [^:]*: //; s/detector ended on silo [^ ]* //'
  done
done
