#!/usr/bin/env bash
# Regions benchmark: the three regions (us-east-1, us-west-2, eu-west-1) on loopback
# (a PostgreSQL and a Redis each, the bench-* profiles, fsync on), one Release node per
# region in one cluster. Measures, in one run:
#   1. replication lag at a fixed write rate (default 1,000 writes/s through the API):
#      for each acknowledged write, the time until it is visible in us-west-2 and in
#      eu-west-1, p50/p99, against the write's own acknowledgement latency (baseline);
#      target p99 <= 1 s (the SLA is 30 s);
#   2. the same with regions.synchronous = businesses (zero loss): the cost is the ratio
#      of the write acknowledgement latencies, synchronous / asynchronous;
#   3. kill -> writable: us-east-1's PostgreSQL is killed (immediate stop) under writes
#      sent to the us-west-2 node, with regions.auto_failover on; the time until a write
#      is accepted again, against the configured detection time (probe_interval x
#      probe_failures) measured in the same run; target <= 5 s;
#   4. failback of us-east-1 (each step timed).
#   bench/regions/run.sh [writes/s=1000] [seconds=20]
# Environment: KYB_BENCH_BUILD (a built tree with kyb-node, kybctl and
# replication_lag_bench; default build, the Release tree of deploy/local/kyb up,
# configured and built here when unset).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
source "$ROOT/bench/lib/cleanup.sh"
RATE=${1:-1000}
SECS=${2:-20}
OUT="$ROOT/bench/out/regions"
BUILD="${KYB_BENCH_BUILD:-$ROOT/build}"
KYB="$ROOT/deploy/local/kyb"
REGIONS=(us-east-1 us-west-2 eu-west-1)
declare -A PG_PORT=([us-east-1]=54371 [us-west-2]=54372 [eu-west-1]=54373)
declare -A REDIS_PORT=([us-east-1]=63841 [us-west-2]=63842 [eu-west-1]=63843)
declare -A HTTP=([us-east-1]=18581 [us-west-2]=18582 [eu-west-1]=18583)
declare -A CLUSTER=([us-east-1]=19281 [us-west-2]=19282 [eu-west-1]=19283)
declare -A ADMIN=([us-east-1]=19481 [us-west-2]=19482 [eu-west-1]=19483)
declare -A CERT=([us-east-1]=node-1 [us-west-2]=node-2 [eu-west-1]=node-3)
source "$ROOT/bench/lib/tls.sh"
bench_tls
declare -A METRICS=([us-east-1]=19581 [us-west-2]=19582 [eu-west-1]=19583)
mkdir -p "$OUT"
rm -f "$OUT"/node-*.log # each run reads its own logs
if [ -z "${KYB_BENCH_BUILD:-}" ]; then
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD" --target kyb-node kybctl replication_lag_bench -j"$(nproc)" >/dev/null
fi
"$KYB" regions start bench- >/dev/null
DB=kyb_regions_bench_$$
admin() { psql -qAtX "postgresql://postgres@127.0.0.1:${PG_PORT[$1]}/${2:-postgres}" -c "$3"; }
declare -A PIDS

# Subscriptions (without their slots, whose publisher may be gone), slots, the bench
# databases, and any synchronous setting are removed: the clusters stay reusable.
clean_databases() {
  # First: a synchronous setting would hold every commit below once the subscriber goes.
  for r in "${REGIONS[@]}"; do
    admin "$r" postgres "ALTER SYSTEM RESET synchronous_standby_names" && admin "$r" postgres "SELECT pg_reload_conf()" >/dev/null
  done
  for r in "${REGIONS[@]}"; do
    for d in $(admin "$r" postgres "SELECT datname FROM pg_database WHERE datname LIKE 'kyb_regions_bench_%'"); do
      admin "$r" "$d" "ALTER DATABASE $d RESET default_transaction_read_only" || true
      for s in $(admin "$r" "$d" "SELECT subname FROM pg_subscription"); do
        admin "$r" "$d" "ALTER SUBSCRIPTION $s DISABLE" || true
        admin "$r" "$d" "ALTER SUBSCRIPTION $s SET (slot_name = NONE)" || true
        admin "$r" "$d" "DROP SUBSCRIPTION $s" || true
      done
    done
  done
  for r in "${REGIONS[@]}"; do
    admin "$r" postgres "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE active_pid IS NOT NULL" >/dev/null || true
    sleep 0.2
    admin "$r" postgres "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE NOT active" >/dev/null || true
    for d in $(admin "$r" postgres "SELECT datname FROM pg_database WHERE datname LIKE 'kyb_regions_bench_%'"); do
      admin "$r" postgres "DROP DATABASE $d WITH (FORCE)" || true
    done
  done
}

stop_nodes() {
  bench_stop_pids ${PIDS[@]+"${PIDS[@]}"}
  PIDS=()
}

cleanup() {
  stop_nodes
  "$KYB" region-pg start us-east-1 bench- 2>/dev/null || true
  clean_databases
  "$KYB" regions stop bench- >/dev/null 2>&1 || true
}
bench_on_exit cleanup # the nodes first (stop_nodes), then the databases
clean_databases

DATABASES=""
SEEDS=""
for r in "${REGIONS[@]}"; do
  admin "$r" postgres "CREATE DATABASE $DB"
  DATABASES="$DATABASES${DATABASES:+,}$r=postgresql://postgres@127.0.0.1:${PG_PORT[$r]}/$DB"
  SEEDS="$SEEDS${SEEDS:+,}127.0.0.1:${CLUSTER[$r]}"
done
export KYB_REGIONS_DATABASES="$DATABASES" KYB_CLUSTER_SEEDS="$SEEDS" KYB_LOG_ACCESS=false
export KYB_SECURITY_TAX_ID_KEY=$(openssl rand -base64 32) KYB_SECURITY_TAX_ID_HMAC_KEY=$(openssl rand -base64 32) KYB_SECURITY_AUDIT_KEY=$(openssl rand -base64 32)
export KYB_SECURITY_BOOTSTRAP_KEY_FILE="$OUT/operator.key" KYB_HTTP_WORKERS=2
rm -f "$OUT/operator.key"

start_nodes() { # extra KYB_* assignments for every node
  for r in "${REGIONS[@]}"; do
    env "$@" KYB_NODE_ID="node-$r" KYB_NODE_REGION="$r" KYB_NODE_DATA_DIR="$OUT/node-$r" \
      KYB_DATABASE_URL="postgresql://postgres@127.0.0.1:${PG_PORT[$r]}/$DB" \
      KYB_REDIS_URL="redis://127.0.0.1:${REDIS_PORT[$r]}/0" \
      KYB_HTTP_LISTEN="127.0.0.1:${HTTP[$r]}" KYB_CLUSTER_LISTEN="127.0.0.1:${CLUSTER[$r]}" \
      KYB_CLUSTER_ADMIN_LISTEN="127.0.0.1:${ADMIN[$r]}" \
      KYB_CLUSTER_TLS_CERTIFICATE="$KYBCTL_CERTS/${CERT[$r]}.pem" \
      KYB_CLUSTER_TLS_KEY="$KYBCTL_CERTS/${CERT[$r]}-key.pem" \
      KYB_METRICS_LISTEN="127.0.0.1:${METRICS[$r]}" KYB_SCREENING_SOURCES=configured \
      "$BUILD/kyb-node" >>"$OUT/node-$r.log" 2>&1 &
    PIDS[$r]=$!
    bench_track "${PIDS[$r]}"
    mkdir -p "$OUT/node-$r"
  done
  for r in "${REGIONS[@]}"; do
    for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:${HTTP[$r]}/health" >/dev/null && break; sleep 0.1; done
  done
  # Every subscription streams and reports its lag.
  for _ in $(seq 1 300); do
    "$BUILD/kybctl" --json --node "127.0.0.1:${ADMIN[us-west-2]}" region status >"$OUT/status.json" 2>/dev/null &&
      python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); l=s["lag"]; sys.exit(0 if s["ensured"] and l and all(x["state"]=="ok" for x in l) else 1)' "$OUT/status.json" && return 0
    sleep 0.2
  done
  echo "replication did not start (see $OUT/node-*.log)"; exit 1
}

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
lag_bench() { # label
  "$BUILD/bench/regions/replication_lag_bench" --api "http://127.0.0.1:${HTTP[us-east-1]}" --key "$KEY" \
    --rate "$RATE" --seconds "$SECS" \
    --target "us-west-2=postgresql://postgres@127.0.0.1:${PG_PORT[us-west-2]}/$DB" \
    --target "eu-west-1=postgresql://postgres@127.0.0.1:${PG_PORT[eu-west-1]}/$DB" | tee "$OUT/lag-$1.txt" | sed '$d' | sed 's/^/  /'
  tail -1 "$OUT/lag-$1.txt" >"$OUT/lag-$1.json"
}

echo "== 1. replication lag at $RATE writes/s for $SECS s (asynchronous)"
start_nodes
OP=$(cat "$OUT/operator.key")
API="http://127.0.0.1:${HTTP[us-east-1]}"
T=$(curl -sf -X POST "$API/v1/tenants" -H "Authorization: Bearer $OP" -H 'Content-Type: application/json' \
  -d '{"name":"bench","region":"us","rate_limit":{"requests_per_second":1000000,"burst":1000000}}' | json '["id"]')
KEY=$(curl -sf -X POST "$API/v1/tenants/$T/api-keys" -H "Authorization: Bearer $OP" \
  -H 'Content-Type: application/json' -d '{"scopes":["read","write"]}' | json '["key"]')
# The key reaches us-west-2 (step 3 writes through its node).
until [ -n "$(admin us-west-2 "$DB" "SELECT 1 FROM api_keys WHERE tenant_id = '$T'")" ]; do sleep 0.1; done
lag_bench async

echo "== 2. the same with regions.synchronous = businesses"
stop_nodes
start_nodes KYB_REGIONS_SYNCHRONOUS=businesses
echo "  us-east-1 synchronous_standby_names: $(admin us-east-1 postgres 'SHOW synchronous_standby_names')"
echo "  sync standbys: $(admin us-east-1 postgres "SELECT string_agg(application_name || '=' || sync_state, ' ') FROM pg_stat_replication WHERE sync_state <> 'async'")"
lag_bench sync
python3 - "$OUT/lag-async.json" "$OUT/lag-sync.json" <<'PY'
import json, sys
a, s = (json.load(open(p)) for p in sys.argv[1:3])
print("  synchronous / asynchronous write acknowledgement: p50 %.2f, p99 %.2f (%.1f -> %.1f ms, %.1f -> %.1f ms)"
      % (s["ack_p50_ms"] / a["ack_p50_ms"], s["ack_p99_ms"] / a["ack_p99_ms"],
         a["ack_p50_ms"], s["ack_p50_ms"], a["ack_p99_ms"], s["ack_p99_ms"]))
PY

echo "== 3. kill -> writable (regions.auto_failover on)"
stop_nodes
start_nodes KYB_REGIONS_AUTO_FAILOVER=true
W="http://127.0.0.1:${HTTP[us-west-2]}"
post() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 -X POST "$W/v1/businesses" -H "Authorization: Bearer $KEY" \
  -H 'Content-Type: application/json' -d "{\"legal_name\":\"Failover $1\",\"country\":\"US\"}"; }
[ "$(post warm)" = 201 ] || { echo "writes through us-west-2 fail before the kill"; exit 1; }
logged=$(wc -l <"$OUT/node-us-west-2.log")
since_kill() { tail -n +$((logged + 1)) "$OUT/node-us-west-2.log"; }
t0=$(date +%s%N)
"$KYB" region-pg kill us-east-1 bench-
i=0
until [ "$(post $i)" = 201 ]; do i=$((i + 1)); sleep 0.02; done
t1=$(date +%s%N)
kill_ms=$(( (t1 - t0) / 1000000 ))
probe_ms=500; failures=3 # the defaults of regions.probe_interval and regions.probe_failures
detect_ms=$((probe_ms * failures))
echo "  kill -> first write accepted through us-west-2: $kill_ms ms ($i refused meanwhile; target <= 5000 ms)"
echo "  detection budget (probe_interval ${probe_ms} ms x probe_failures $failures): $detect_ms ms; kill->writable / detection: $(python3 -c "print('%.2f' % ($kill_ms / $detect_ms))")"
for _ in $(seq 1 300); do since_kill | grep '"regions.procedure_done"' | grep -q 'failover of' && break; sleep 0.1; done
since_kill | grep '"regions.procedure_done"' | grep 'failover of' | tail -1 | python3 -c 'import json,sys
d = json.loads(sys.stdin.readline())
print("  %s: %s in %d ms; loss bound %s s" % (d["procedure"], "ok" if d["ok"] else "FAILED", d["ms"], d.get("loss_bound_seconds")))
for s in d.get("steps", []):
    print("    %-28s %8.1f ms %s" % (s["step"], s["ms"], "" if s["ok"] else "FAILED"))'

echo "== 4. failback: us-east-1 returns, its lost tail is exported, it is the primary again"
"$KYB" region-pg start us-east-1 bench-
"$BUILD/kybctl" --timeout 300 --node "127.0.0.1:${ADMIN[us-west-2]}" region failback us-east-1 | sed 's/^/  /'
