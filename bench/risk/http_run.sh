#!/usr/bin/env bash
# Risk assessment through the HTTP API, against a baseline measured in the same run
# (machines are noisy: the ratios are what to compare). With wrk, one node (Release):
#   0. baseline: GET /v1/businesses/{id}, a business actor answering from memory;
#   1. POST /v1/businesses/{id}/risk-assessments whose inputs are cached: the business
#      actor asks the tenant actor for its rules version and answers the stored
#      assessment from its cache (no rows written). Target: >= 0.5 x baseline;
#   2. the same over businesses classified but never assessed, round robin: a business's
#      first request reads the stored inputs, scores and writes an assessment with its
#      audit row; later ones are answered from its cache (a mixed load: the number of
#      assessments written is printed).
#
#   bench/risk/http_run.sh [seconds=10] [connections=64]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SECS=${1:-10}
CONNS=${2:-64}
OUT="$ROOT/bench/out/risk-http"
PORT=18495
source "$ROOT/bench/lib/node.sh"
export KYB_CLASSIFICATION_MODEL_PATH="$ROOT/actors/classification/model/kyb_industry.model"
export KYB_RISK_MONITOR_RATE=1000
bench_node_start
auth=(-H "Authorization: Bearer $KEY" -H 'Content-Type: application/json')
BIZ=$(curl -sf -X POST "$API/v1/businesses" "${auth[@]}" \
  -d '{"legal_name":"Blue Bottle Coffee Inc.","description":"espresso bar and cafe","country":"US","incorporation_date":"2015-03-01","owners":[{"name":"Ana Ruiz","nationality":"US","date_of_birth":"1980-02-03","ownership_percent":100}]}' | json '["id"]')
curl -sf -X POST "$API/v1/businesses/$BIZ/risk-assessments" "${auth[@]}" >/dev/null

# Fresh businesses for (2), classified first (no lists are loaded: screening is unknown).
N_FRESH=${KYB_BENCH_FRESH:-3000}
echo "creating and classifying $N_FRESH businesses for the uncached run..."
for i in $(seq 1 "$N_FRESH"); do
  echo "{\"legal_name\":\"Corner Store $i-$RANDOM\",\"description\":\"grocery store\",\"country\":\"US\"}"
done >"$OUT/fresh.ndjson"
curl -sf -X POST "$API/v1/businesses/bulk" -H "Authorization: Bearer $KEY" \
  -H 'Content-Type: application/x-ndjson' --data-binary @"$OUT/fresh.ndjson" >/dev/null
psql -Atq "$KYB_DATABASE_URL" -c "SELECT id FROM businesses WHERE id <> '$BIZ' ORDER BY id" >"$OUT/fresh.txt"
classify_each_lua "$OUT/fresh.txt" "$OUT/classify_fresh.lua"
wrk -t2 -c"$CONNS" -d60s -s "$OUT/classify_fresh.lua" "$API/v1/" >/dev/null
sed -e 's|/classify"|/risk-assessments"|' "$OUT/classify_fresh.lua" >"$OUT/assess_fresh.lua"
cat >"$OUT/assess.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $KEY"
LUA

echo "warming up..."
wrk -t2 -c"$CONNS" -d2s -H "Authorization: Bearer $KEY" "$API/v1/businesses/$BIZ" >/dev/null
read -r G_RPS G_P50 G_P99 G_BAD < <(run_wrk "$API/v1/businesses/$BIZ" -H "Authorization: Bearer $KEY")
read -r C_RPS C_P50 C_P99 C_BAD < <(run_wrk "$API/v1/businesses/$BIZ/risk-assessments" -s "$OUT/assess.lua")
ROWS_BEFORE=$(psql -Atq "$KYB_DATABASE_URL" -c "SELECT count(*) FROM risk_assessments")
read -r F_RPS F_P50 F_P99 F_BAD < <(run_wrk "$API/v1/" -s "$OUT/assess_fresh.lua")
ROWS_AFTER=$(psql -Atq "$KYB_DATABASE_URL" -c "SELECT count(*) FROM risk_assessments")

python3 - "$CONNS" "$G_RPS" "$G_P50" "$G_P99" "$G_BAD" "$C_RPS" "$C_P50" "$C_P99" "$C_BAD" \
  "$F_RPS" "$F_P50" "$F_P99" "$F_BAD" "$((ROWS_AFTER - ROWS_BEFORE))" "$(wc -l <"$OUT/fresh.txt")" <<'PY'
import sys
a = sys.argv[1:]
rows = [("GET /v1/businesses/{id} (baseline, from memory)", a[1:5]),
        ("POST .../risk-assessments, inputs cached (target >= 0.50)", a[5:9]),
        ("POST .../risk-assessments, round robin, first ones stored", a[9:13])]
base = float(rows[0][1][0])
print(f"\nwrk -t2 -c{a[0]}, one node (2 HTTP workers), Release")
print(f"  {'':58} {'req/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'x base':>7} non-2xx")
for name, (rps, p50, p99, bad) in rows:
    print(f"  {name:58} {float(rps):9.0f} {float(p50):7.2f} {float(p99):7.2f} {float(rps)/base:7.2f} {bad}")
print(f"  assessments stored by the fresh run: {a[13]} (of {a[14]} businesses)")
PY
