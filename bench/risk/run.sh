#!/usr/bin/env bash
# GET /v1/risk/trends over 1M assessments of 10k businesses, against a cached
# GET /v1/businesses/{id} measured in the same run (machines are noisy: the ratios are
# what compare). On the PostgreSQL of $KYB_BENCH_DATABASE_URL (default: the test
# services' $KYB_TEST_DATABASE_URL, as /work/test.env or `deploy/local/kyb test` set it),
# in a database of its own that it drops on every exit, with one node on loopback:
#   1. creates a tenant and a business through the API; loads the history with
#      generate_series SQL (bench/risk/load.sql) into that tenant, plus 100k assessments
#      of another tenant's 1k businesses (so the tenant is not the whole table);
#   2. times (one keep-alive connection, sequential requests, p50/p95):
#      baseline   GET /v1/businesses/{id} (cached in the business actor),
#      summary    GET /v1/risk/trends?months=12 (first page: 20 businesses + the
#                 tenant's 12-month summary over ~800k assessments),
#      page       the next page, 100 businesses (cursor: no summary),
#      business   GET /v1/risk/trends?business_id=... (one business);
#   3. prints EXPLAIN (ANALYZE, BUFFERS) of both statements, their text from the
#      platform's catalogue (bench/persistence/statement_sql).
#
#   bench/risk/run.sh [assessments=1000000] [businesses=10000]
# Environment: KYB_BENCH_BUILD (a built tree with kyb-node and statement_sql; default
# build, the Release tree of deploy/local/kyb up, configured and built here when unset).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ASSESSMENTS=${1:-1000000}
BUSINESSES=${2:-10000}
OUT="$ROOT/bench/out/risk"
PORT=18531
source "$ROOT/bench/lib/cleanup.sh"
mkdir -p "$OUT"
BUILD="${KYB_BENCH_BUILD:-$ROOT/build}"
if [ -z "${KYB_BENCH_BUILD:-}" ]; then
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD" --target kyb-node statement_sql -j"$(nproc)" >/dev/null
fi
PG="${KYB_BENCH_DATABASE_URL:-${KYB_TEST_DATABASE_URL:?set KYB_BENCH_DATABASE_URL or source the test environment}}"
REDIS="${KYB_BENCH_REDIS_URL:-${KYB_TEST_REDIS_URL:?set KYB_BENCH_REDIS_URL}}"
BASE_URL=${PG%/*}
DB=kyb_bench_risk_$$
NODE_PID=""
drop_db() { psql -q "$BASE_URL/postgres" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true; }
bench_on_exit drop_db
psql -q "$BASE_URL/postgres" -c "CREATE DATABASE $DB"
export KYB_DATABASE_URL="$BASE_URL/$DB"

source "$ROOT/bench/lib/tls.sh"
bench_tls
secret() { openssl rand -base64 32; }
rm -f "$OUT/operator.key" "$OUT/node.log"
env KYB_REDIS_URL="$REDIS" KYB_HTTP_LISTEN="127.0.0.1:$PORT" \
  KYB_CLUSTER_LISTEN="127.0.0.1:$((PORT + 1000))" KYB_CLUSTER_ADMIN_LISTEN="127.0.0.1:$((PORT + 1200))" \
  KYB_METRICS_LISTEN="127.0.0.1:$((PORT + 1100))" KYB_NODE_DATA_DIR="$OUT/node" \
  KYB_SECURITY_TAX_ID_KEY="$(secret)" KYB_SECURITY_TAX_ID_HMAC_KEY="$(secret)" \
  KYB_SECURITY_AUDIT_KEY="$(secret)" KYB_SECURITY_BOOTSTRAP_KEY_FILE="$OUT/operator.key" \
  KYB_LOG_ACCESS=false KYB_HTTP_WORKERS=2 KYB_SCREENING_SOURCES=configured "$BUILD/kyb-node" >>"$OUT/node.log" 2>&1 &
NODE_PID=$!
bench_track "$NODE_PID"
API="http://127.0.0.1:$PORT"
for _ in $(seq 1 600); do
  curl -sf "$API/health" >/dev/null && break
  kill -0 "$NODE_PID" 2>/dev/null || { tail -n 20 "$OUT/node.log"; exit 1; }
  sleep 0.1
done
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
OP=$(cat "$OUT/operator.key")
new_tenant() {
  curl -sf -X POST "$API/v1/tenants" -H "Authorization: Bearer $OP" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$1\",\"rate_limit\":{\"requests_per_second\":1000000,\"burst\":1000000}}" | json '["id"]'
}
TENANT=$(new_tenant bench-risk)
OTHER=$(new_tenant bench-risk-other)
KEY=$(curl -sf -X POST "$API/v1/tenants/$TENANT/api-keys" -H "Authorization: Bearer $OP" \
  -H 'Content-Type: application/json' -d '{"scopes":["read","write"]}' | json '["key"]')
BUSINESS=$(curl -sf -X POST "$API/v1/businesses" -H "Authorization: Bearer $KEY" \
  -H 'Content-Type: application/json' -d '{"legal_name":"Baseline Co","country":"US"}' | json '["id"]')

echo "loading $ASSESSMENTS assessments of $BUSINESSES businesses (+100000 of another tenant)..."
T0=$(date +%s.%N)
psql -q -v ON_ERROR_STOP=1 "$KYB_DATABASE_URL" -v tenant="$TENANT" -v region=us -v name=bench-risk \
  -v businesses="$BUSINESSES" -v assessments="$ASSESSMENTS" -f "$ROOT/bench/risk/load.sql"
psql -q -v ON_ERROR_STOP=1 "$KYB_DATABASE_URL" -v tenant="$OTHER" -v region=us -v name=bench-risk-other \
  -v businesses=1000 -v assessments=100000 -f "$ROOT/bench/risk/load.sql"
# As autovacuum would after a load: the visibility map makes the index-only scans real.
psql -q "$KYB_DATABASE_URL" -c "VACUUM ANALYZE risk_assessments"
T1=$(date +%s.%N)
echo "  loaded in $(python3 -c "print(round($T1 - $T0, 1))") s"
ONE=$(psql -Atq "$KYB_DATABASE_URL" -c "SELECT business_id FROM risk_assessments WHERE tenant_id = '$TENANT' LIMIT 1")

python3 - "$API" "$KEY" "$BUSINESS" "$ONE" <<'PY'
import http.client, json, statistics, sys, time
api, key, business, one = sys.argv[1:5]
host, port = api.split("//")[1].split(":")
conn = http.client.HTTPConnection(host, int(port), timeout=120)
def get(path):
    t = time.perf_counter()
    conn.request("GET", path, headers={"Authorization": "Bearer " + key})
    r = conn.getresponse()
    body = r.read()
    if r.status != 200:
        sys.exit(f"{path}: HTTP {r.status} {body[:300]!r}")
    return time.perf_counter() - t, json.loads(body)
def measure(path, n, warm=2):
    for _ in range(warm):
        get(path)
    ts = sorted(get(path)[0] * 1000 for _ in range(n))
    return ts[len(ts) // 2], ts[min(len(ts) - 1, int(len(ts) * 0.95))]
_, first = get("/v1/risk/trends?months=12")
cursor = first["next_cursor"]
rows = [
    ("baseline GET /v1/businesses/{id} (cached)", f"/v1/businesses/{business}", 300),
    ("trends first page + 12-month summary", "/v1/risk/trends?months=12", 15),
    ("trends next page, 100 businesses", f"/v1/risk/trends?months=12&limit=100&cursor={cursor}", 40),
    ("trends of one business", f"/v1/risk/trends?months=12&business_id={one}", 200),
]
results = [(name, *measure(path, n), n) for name, path, n in rows]
base = results[0][1]
s = first["summary"]
print(f"\nsummary: {len(s)} months, {sum(m['assessments'] for m in s)} assessments, "
      f"{max(m['businesses'] for m in s)} businesses in the busiest month")
print(f"{'':46s} {'p50 ms':>9s} {'p95 ms':>9s} {'n':>5s} {'p50 / baseline':>15s}")
for name, p50, p95, n in results:
    print(f"{name:46s} {p50:9.2f} {p95:9.2f} {n:5d} {p50 / base:15.1f}")
PY

SQL_BIN="$BUILD/bench/persistence/statement_sql"
ALL="'00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff'"
explain() { # statement args
  echo
  echo "EXPLAIN (ANALYZE, BUFFERS) $1($2):"
  psql -Atq "$KYB_DATABASE_URL" <<SQL
PREPARE s AS $("$SQL_BIN" "$1");
EXPLAIN (ANALYZE, BUFFERS) EXECUTE s($2);
SQL
}
sql_times() { # statement args n -> "p50 p95" in ms of EXECUTE in psql (after 2 warm-ups)
  { echo "PREPARE s AS $("$SQL_BIN" "$1");"
    for _ in 1 2; do echo "EXECUTE s($2) \\g /dev/null"; done
    echo '\timing on'
    for _ in $(seq 1 "$3"); do echo "EXECUTE s($2) \\g /dev/null"; done
  } | psql -q "$KYB_DATABASE_URL" | awk '/^Time:/ {print $2}' | sort -n |
    awk '{t[NR] = $1} END {i = int(NR * 0.95) + 1; if (i > NR) i = NR; printf "%.2f %.2f", t[int((NR + 1) / 2)], t[i]}'
}
echo
echo "the statements alone (psql, prepared, p50 / p95 ms):"
echo "  risk_trends_months, 12 months:           $(sql_times risk_trends_months "'$TENANT', 12" 11)"
echo "  risk_trends_businesses, first 21:        $(sql_times risk_trends_businesses "'$TENANT', 12, $ALL, 21" 41)"
echo "  risk_trends_businesses, 101 businesses:  $(sql_times risk_trends_businesses "'$TENANT', 12, $ALL, 101" 41)"
echo "  risk_trends_businesses, one business:    $(sql_times risk_trends_businesses "'$TENANT', 12, '$ONE', '$ONE', 2" 101)"
explain risk_trends_months "'$TENANT', 12"
explain risk_trends_businesses "'$TENANT', 12, $ALL, 21"
