#!/usr/bin/env bash
# Cluster benchmark: a 3-node cluster on loopback (Release build, the bench profile's
# private PostgreSQL and Redis). Measures, in one run:
#   1. failover: kill -9 of a node until its shards are served again (kybctl drill
#      kill-node, 3 rounds, the victim restarted between rounds); target <= 3 s
#      (Akka's defaults take 25-45 s, Orleans about 15 s);
#   2. a hung node (SIGSTOP) until the others declare it down;
#   3. local vs remote: the same cached GET for a business owned by the node that
#      receives the request, and for one owned by another node (answered from a copy
#      leased by the owner, cluster.read_lease), then the same remote read forwarded to
#      the owner every time (a node without read leases).
#   bench/cluster/run.sh [seconds=8]
# Environment: KYB_BENCH_BUILD (a built tree with kyb-node and kybctl; default build, the
# Release tree of deploy/local/kyb up, configured and built here when unset).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
source "$ROOT/bench/lib/cleanup.sh"
SECS=${1:-8}
OUT="$ROOT/bench/out/cluster"
BUILD="${KYB_BENCH_BUILD:-$ROOT/build}"
mkdir -p "$OUT"
if [ -z "${KYB_BENCH_BUILD:-}" ]; then
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD" --target kyb-node kybctl -j"$(nproc)" >/dev/null
fi
eval "$("$ROOT/deploy/local/kyb" services start bench 2>/dev/null)"
BASE_URL=${KYB_DATABASE_URL%/*}
DB=kyb_cluster_bench_$$
psql -q "$BASE_URL/postgres" -c "CREATE DATABASE $DB"
declare -A PIDS
cleanup() {
  psql -q "$BASE_URL/postgres" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true
  "$ROOT/deploy/local/kyb" services stop bench >/dev/null 2>&1 || true
}
bench_on_exit cleanup # after the nodes stopped (bench_track)
export KYB_DATABASE_URL="$BASE_URL/$DB" KYB_LOG_ACCESS=false KYB_HTTP_WORKERS=1
export KYB_SECURITY_TAX_ID_KEY=$(openssl rand -base64 32) KYB_SECURITY_TAX_ID_HMAC_KEY=$(openssl rand -base64 32) KYB_SECURITY_AUDIT_KEY=$(openssl rand -base64 32)
export KYB_SECURITY_BOOTSTRAP_KEY_FILE="$OUT/operator.key" KYB_CLUSTER_SEEDS=127.0.0.1:19201,127.0.0.1:19202,127.0.0.1:19203
rm -f "$OUT/operator.key"
source "$ROOT/bench/lib/tls.sh"
bench_tls
start() {
  # (the shell reports the drill's kill -9 of a node as "Killed": expected)
  KYB_NODE_ID=node-$1 KYB_HTTP_LISTEN=127.0.0.1:1848$1 KYB_CLUSTER_LISTEN=127.0.0.1:1920$1 \
    KYB_CLUSTER_ADMIN_LISTEN=127.0.0.1:1940$1 KYB_CLUSTER_TLS_CERTIFICATE="$KYBCTL_CERTS/node-$1.pem" \
    KYB_CLUSTER_TLS_KEY="$KYBCTL_CERTS/node-$1-key.pem" KYB_METRICS_LISTEN=127.0.0.1:1946$1 \
    KYB_SCREENING_SOURCES=configured \
    "$BUILD/kyb-node" >"$OUT/node-$1.log" 2>&1 &
  PIDS[$1]=$!
  bench_track "${PIDS[$1]}"
}
healthy() { curl -sf "http://127.0.0.1:1848$1/health" >/dev/null; }
for i in 1 2 3; do start "$i"; done
for i in 1 2 3; do for _ in $(seq 1 200); do healthy "$i" && break; sleep 0.1; done; done
CTL() { "$BUILD/kybctl" --node 127.0.0.1:19401 "$@"; }
members() { "$BUILD/kybctl" --json --node "$1" nodes | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["members"]))'; }
# Until node 1 sees $1 members; a node that failed to start ends the bench after 60 s.
wait_members() {
  local deadline=$((SECONDS + 60))
  until [ "$(members 127.0.0.1:19401)" = "$1" ]; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "no cluster of $1 nodes after 60 s: see $OUT/node-*.log" >&2
      exit 1
    fi
    sleep "${2:-0.2}"
  done
}
wait_members 3

echo "== failover: kill -9 until served again"
for round in 1 2 3; do
  CTL --json drill kill-node node-3 >"$OUT/drill-$round.json"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("  round %s: %s, kill -> served again %.1f ms (new owner %s)" % (sys.argv[2], "ok" if d["ok"] else "FAILED", d["kill_to_served_ms"], d["new_owner"]))' "$OUT/drill-$round.json" "$round"
  wait "${PIDS[3]}" 2>/dev/null || true
  start 3
  for _ in $(seq 1 200); do healthy 3 && break; sleep 0.1; done
  wait_members 3
done

echo "== a hung node (SIGSTOP) until declared down"
kill -STOP "${PIDS[2]}"
t0=$(date +%s%N)
wait_members 2 0.05
t1=$(date +%s%N)
echo "  declared down after $(( (t1 - t0) / 1000000 )) ms (cluster.connection_timeout 2 s; target <= 3 s)"
kill -CONT "${PIDS[2]}"
wait_members 3

echo "== local vs remote request"
OP=$(cat "$OUT/operator.key")
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
# Right after a rejoin shards may still be changing hands (503): retry like a client.
curl() {
  local out
  for _ in $(seq 1 50); do
    if out=$(command curl "$@"); then echo "$out"; return 0; fi
    sleep 0.1
  done
  return 1
}
T=$(curl -sf -X POST http://127.0.0.1:18481/v1/tenants -H "Authorization: Bearer $OP" -H 'Content-Type: application/json' \
  -d '{"name":"bench","rate_limit":{"requests_per_second":1000000,"burst":1000000}}' | json '["id"]')
K=$(curl -sf -X POST http://127.0.0.1:18481/v1/tenants/$T/api-keys -H "Authorization: Bearer $OP" -H 'Content-Type: application/json' -d '{"scopes":["read","write"]}' | json '["key"]')
LOCAL=""; REMOTE=""
for i in $(seq 1 60); do
  id=$(curl -sf -X POST http://127.0.0.1:18481/v1/businesses -H "Authorization: Bearer $K" -H 'Content-Type: application/json' -d '{"legal_name":"Bench '$i'","country":"US"}' | json '["id"]')
  host=$("$BUILD/kybctl" --json --node 127.0.0.1:19401 actors | python3 -c 'import json,sys
d=json.load(sys.stdin); i=sys.argv[1]
print(next((n["node"] for n in d["nodes"] if i in n.get("kinds",{}).get("business",{}).get("sample",[])), ""))' "$id")
  [ "$host" = node-1 ] && [ -z "$LOCAL" ] && LOCAL=$id
  [ "$host" = node-2 ] && [ -z "$REMOTE" ] && REMOTE=$id
  [ -n "$LOCAL" ] && [ -n "$REMOTE" ] && break
done
run() { wrk -t2 -c32 -d"${SECS}s" --latency -H "Authorization: Bearer $K" "http://127.0.0.1:1848${2:-1}/v1/businesses/$1" | awk '/Requests\/sec/ {r=$2} $1=="50%" {p=$2} END {print r, p}'; }
metric() { curl -sf "http://127.0.0.1:1946$1/metrics" | awk -v s="$2" '$1==s {print $2; f=1} END {if (!f) print 0}'; }
COPIES='kyb_runtime_read_copy_answers_total{kind="business"}'
read -r LR LP < <(run "$LOCAL")
C0=$(metric 1 "$COPIES")
read -r RR RP < <(run "$REMOTE")
C1=$(metric 1 "$COPIES")
echo "  local  (node-1 owns it): $LR req/s, p50 $LP"
echo "  remote (node-2 owns it): $RR req/s, p50 $RP ($(python3 -c 'import sys; print("%.1f" % (100 * (float(sys.argv[2]) - float(sys.argv[1])) / max(1.0, float(sys.argv[3]) * float(sys.argv[4]))))' "$C0" "$C1" "$RR" "$SECS")% answered from node-1's leased copy, cluster.read_lease 10ms)"
python3 -c 'import sys; print("  remote/local throughput: %.2f" % (float(sys.argv[2]) / float(sys.argv[1])))' "$LR" "$RR"
# The same remote read with every request forwarded: node-3 restarted without read
# leases keeps no copies (node-2 still owns the business).
kill "${PIDS[3]}"; wait "${PIDS[3]}" 2>/dev/null || true
KYB_CLUSTER_READ_LEASE=0ms start 3
for _ in $(seq 1 200); do healthy 3 && break; sleep 0.1; done
wait_members 3
curl -sf -o /dev/null -H "Authorization: Bearer $K" "http://127.0.0.1:18483/v1/businesses/$REMOTE" ||
  { echo "node-3 does not serve the business: see $OUT/node-3.log" >&2; exit 1; }
read -r FR FP < <(run "$REMOTE" 3)
echo "  remote, every read forwarded (node-3, cluster.read_lease 0ms): $FR req/s, p50 $FP ($(metric 3 "$COPIES") from copies)"
python3 -c 'import sys; print("  forwarded/local throughput: %.2f" % (float(sys.argv[2]) / float(sys.argv[1])))' "$LR" "$FR"
