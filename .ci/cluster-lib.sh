# Steps shared by the cluster checks (.ci/cluster-failover on Redis, .ci/cluster-postgres on PostgreSQL) and
# bench/cluster-throughput.sh. Source it after setting: dg (the distillguard binary), work (a directory for logs) and
# pids (an array; every process started here is appended to it, for the caller's cleanup). Functions return non-zero
# with a message on failure; callers add `|| exit 1`.

# launch_silo NAME SILO-ARGS...: starts `distillguard silo` in the background, its output in $work/NAME.log.
launch_silo() {
  local name=$1; shift
  "$dg" silo "$@" > "$work/$name.log" 2>&1 &
  pids+=($!); disown
}

# await_silo NAME: waits up to 30 s for a launched silo to join its cluster.
await_silo() {
  for _ in $(seq 300); do grep -q "joined cluster" "$work/$1.log" && return 0; sleep 0.1; done
  echo "silo $1 did not start:"; cat "$work/$1.log"; return 1
}

# reported_port SCAN-STDERR MARKER PATTERN WHAT: waits (up to 30 s) for a running scan to print MARKER, then prints the
# silo port PATTERN captures (a grep -P pattern ending in \K[0-9]+); WHAT names it in the error when there is none.
reported_port() {
  for _ in $(seq 300); do grep -q "$2" "$1" && break; sleep 0.1; done
  local port
  port=$(grep -oP "$3" "$1" | head -1)
  [ -n "$port" ] || { echo "the scan did not report $4:" >&2; cat "$1" >&2; return 1; }
  echo "$port"
}

# detector_port SCAN-STDERR: waits for a running `scan --cluster` to name its detector's silo and prints its port.
detector_port() {
  reported_port "$1" "is on silo" "is on silo 127\.0\.0\.1:\K[0-9]+" "its detector's silo"
}

# half_of_log TRAFFIC ACCOUNTS: about half the log entries a scan writes (1 settings entry, 1 per 5,000 accounts, 1 per 512 lines).
half_of_log() {
  local entries lines
  entries=$(grep -c . "$2" | awk '{print int($1/5000)+1}')
  lines=$(zcat -f "$1" | grep -c .)
  echo $(( (entries + lines / 512) / 2 ))
}

# The jq filter under which a partitioned scan's findings equal the single-process `scan --order-independent`'s: all
# but generated_at, the streamed first_flagged_at / first_suspicious_at and campaign indicators' display texts
# (docs/cluster.md, "Partitioned scans").
partitioned_filter='del(.generated_at) | del(.accounts[].first_flagged_at, .accounts[].first_suspicious_at) | del(.campaigns[].indicators[].value)'

# same_findings FILTER EXPECTED ACTUAL WHAT: the two findings.json are equal under the jq FILTER.
same_findings() {
  diff <(jq -S "$1" "$2") <(jq -S "$1" "$3") > "$work/diff.txt" \
    || { echo "findings differ from $4:"; head -40 "$work/diff.txt"; return 1; }
  echo "findings equal to $4 ($(jq '.summary.accounts_attack' "$2") accounts at attack, $(jq '.campaigns | length' "$2") campaigns)"
}

# check_scan SCAN-PID SCAN-STDERR REPLAY-PATTERN LOST FILTER EXPECTED ACTUAL WHAT: a cluster scan must end well, its
# stderr must match REPLAY-PATTERN (what was LOST moved and replayed its log), and its findings equal EXPECTED under FILTER.
check_scan() {
  local status
  wait "$1"; status=$?
  cat "$2"
  [ $status -eq 0 ] || { echo "the cluster scan exited $status"; return 1; }
  grep -qP "$3" "$2" || { echo "$4 did not move and replay its log"; return 1; }
  same_findings "$5" "$6" "$7" "$8"
}

# check_cluster_findings SCAN-PID SCAN-STDERR EMBEDDED-FINDINGS CLUSTER-FINDINGS: the scan must end well, after its
# detector moved and replayed its log, with findings equal to the single-process scan's (all but generated_at).
check_cluster_findings() {
  check_scan "$1" "$2" "replayed [1-9][0-9]* entries" "the detector" 'del(.generated_at)' "$3" "$4" "the single-process scan"
}

# shown_dead HEALTH-URL ADDRESS: the silo at ADDRESS (host:port) is `dead` in the membership that /health reports.
shown_dead() {
  local health
  health=$(curl -s "$1")
  echo "$health" | jq -e --arg v "$2" '[.silos[] | select(.address | startswith($v)) | .status] | index("dead") != null' >/dev/null \
    || { echo "the killed silo $2 is not shown dead in the membership: $health"; return 1; }
  echo "$1: $health"
}

# await_detector_exchanges GATEWAY-URL: waits up to 10 s for a cluster gateway's /health to count an exchange in its detector.
await_detector_exchanges() {
  local seen
  for _ in $(seq 100); do
    seen=$(curl -s "$1/health" | jq '.hosting.detector.exchanges // 0')
    [ "${seen:-0}" -ge 1 ] && return 0
    sleep 0.1
  done
  echo "the gateway at $1 does not see an exchange in its detector:"; curl -s "$1/health"; return 1
}

# start_postgres DIR PORT PASSWORD: a private PostgreSQL from the Debian packages, its files in DIR, on 127.0.0.1:PORT
# (apt does not start services here, and initdb refuses root: as the postgres user when run as root). stop_postgres DIR.
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
as_postgres() { if [ "$(id -u)" = 0 ]; then (cd "$1" && su postgres -s /bin/bash -c "$2"); else (cd "$1" && bash -c "$2"); fi; }
start_postgres() {
  local dir=$1 port=$2 bin
  bin=$(pg_bin)
  [ -n "$bin" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)"; return 1; }
  echo "$3" > "$dir/pw"
  [ "$(id -u)" = 0 ] && chown -R postgres "$dir"
  as_postgres "$dir" "$bin/initdb -D $dir/data --auth=scram-sha-256 --pwfile=$dir/pw -U postgres" > "$work/initdb.log" 2>&1 \
    || { echo "initdb failed:"; cat "$work/initdb.log"; return 1; }
  as_postgres "$dir" "$bin/pg_ctl -D $dir/data -l $dir/server.log -w -o '-p $port -k $dir -c listen_addresses=127.0.0.1' start" >/dev/null \
    || { echo "PostgreSQL did not start:"; cat "$dir/server.log"; return 1; }
}
stop_postgres() { [ -d "$1/data" ] && as_postgres "$1" "$(pg_bin)/pg_ctl -D $1/data -m immediate stop" >/dev/null 2>&1; rm -rf "$1"; }

# await_healthy URL: waits up to 30 s for a gateway's /health to say healthy.
await_healthy() {
  for _ in $(seq 300); do curl -sf "$1/health" 2>/dev/null | jq -e '.status == "healthy"' >/dev/null && return 0; sleep 0.1; done
  echo "the gateway at $1 is not healthy:"; curl -s "$1/health"; return 1
}

# chat_status URL KEY: sends one chat completion with API key KEY through the gateway at URL and prints the HTTP status.
chat_status() {
  curl -s -o /dev/null -w '%{http_code}' "$1/v1/chat/completions" -H "Authorization: Bearer $2" \
    -H "content-type: application/json" -d '{"model":"m","messages":[{"role":"user","content":"hello"}]}'
}

# check_partitioned_findings SCAN-PID SCAN-STDERR PARTITION EMBEDDED-OI-FINDINGS CLUSTER-FINDINGS: a partitioned scan
# (scan --cluster --order-independent) must end well, after partition PARTITION moved and replayed its log, with
# findings equal to the single-process `scan --order-independent` under $partitioned_filter.
check_partitioned_findings() {
  check_scan "$1" "$2" "partition $3 ended on silo .*replayed [1-9][0-9]* entries" "partition $3" "$partitioned_filter" "$4" "$5" \
    "scan --order-independent"
}

# partition_port SCAN-STDERR PARTITION: waits for a running partitioned scan to name its partitions' silos and prints the port of PARTITION's.
partition_port() {
  reported_port "$1" "partitions on silos" "p$2@127\.0\.0\.1:\K[0-9]+" "where partition $2 is"
}
