#!/usr/bin/env bash
# Slow clients against a node: normal-client latency (wrk, a cached GET) without and
# during 1,000 slowloris connections (headers trickled one byte a second, reconnecting
# when cut off), in the same run (only the ratio is meaningful on a noisy machine).
# The attackers come from SOURCES loopback addresses (127.0.0.2..), so with the default
# 4 each stays under http.max_connections_per_ip (256) and is only cut off by
# http.read_timeout; SOURCES=1 shows the per-address limit refusing most of them.
#
#   bench/http/slowloris.sh [seconds=10] [connections=64] [slow=1000]
# Environment: SOURCES (default 4), KYB_BENCH_WORKERS (default 2).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SECS=${1:-10}
CONNS=${2:-64}
SLOW=${3:-1000}
SOURCES=${SOURCES:-4}
OUT="$ROOT/bench/out/slowloris"
PORT=18482
export KYB_LOG_ACCESS=false KYB_BENCH_ACCESS_LOG=false
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true # the node and the attackers hold >1,000 sockets
source "$ROOT/bench/lib/node.sh"
bench_node_start
BODY='{"legal_name":"Acme Widgets LLC","country":"US"}'
BIZ=$(curl -sf -X POST "$API/v1/businesses" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d "$BODY" | json '["id"]')
URL="$API/v1/businesses/$BIZ"
wrk -t2 -c"$CONNS" -d2s -H "Authorization: Bearer $KEY" "$URL" >/dev/null # warm-up
read -r BASE_RPS _ BASE_P99 BASE_BAD < <(run_wrk "$URL" -H "Authorization: Bearer $KEY")

python3 "$ROOT/bench/http/slowloris.py" "$PORT" "$SLOW" "$SOURCES" 2>"$OUT/slowloris.log" &
LORIS_PID=$!
bench_track "$LORIS_PID"
# Until (nearly) every attacker the per-address limit admits is connected, or 20 s.
LIMIT=${KYB_HTTP_MAX_CONNECTIONS_PER_IP:-256}
WANT=$((SLOW < LIMIT * SOURCES ? SLOW : LIMIT * SOURCES))
open_connections() { curl -s "$METRICS/metrics" | awk '/^kyb_http_open_connections/ {s+=$2} END {printf "%d", s}'; }
for _ in $(seq 1 100); do
  [ "$(open_connections)" -ge $((WANT * 9 / 10)) ] && break
  sleep 0.2
done
read -r ATT_RPS _ ATT_P99 ATT_BAD < <(run_wrk "$URL" -H "Authorization: Bearer $KEY")
OPEN=$(open_connections)
REFUSED=$(curl -s "$METRICS/metrics" | awk '/^kyb_http_refused_per_address_total/ {s+=$2} END {print s+0}')
TIMEOUTS=$(curl -s "$METRICS/metrics" | awk '/^kyb_api_requests_total.*status_code="408"/ {s+=$2} END {print s+0}')
bench_stop_pids "$LORIS_PID"
tail -1 "$OUT/slowloris.log" || true

python3 - "$BASE_RPS" "$BASE_P99" "$BASE_BAD" "$ATT_RPS" "$ATT_P99" "$ATT_BAD" "$OPEN" "$REFUSED" "$TIMEOUTS" "$SLOW" "$SOURCES" "$CONNS" <<'PY'
import sys
brps, bp99, bbad, arps, ap99, abad, open_, refused, timeouts, slow, sources, conns = sys.argv[1:]
print(f"\nGET /v1/businesses/{{id}} (cached), wrk -t2 -c{conns}")
print(f"  without attack:                       {float(brps):9.0f} req/s  p99 {float(bp99):7.2f} ms  non-2xx {bbad}")
print(f"  with {slow} slowloris ({sources} addresses): {float(arps):9.0f} req/s  p99 {float(ap99):7.2f} ms  non-2xx {abad}")
print(f"  p99 ratio attack/none:                {float(ap99)/float(bp99):9.2f}")
print(f"  node: open connections at the end {float(open_):.0f}, refused per address {float(refused):.0f}, 408s {float(timeouts):.0f}")
PY
