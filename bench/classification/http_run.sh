#!/usr/bin/env bash
# Classification through the HTTP API, against a baseline measured in the same run
# (machines are noisy: the ratios are what to compare). With wrk, one node (Release):
#   0. baseline: GET /v1/businesses/{id}, a business actor answering from memory;
#   1. POST /v1/businesses/{id}/classify served from the business actor's 7-day cache
#      (the business actor asks the classification actor for the model version, then
#      answers from its cache: no rows written);
#   2. POST /v1/classifications with the same body every time (the node's 1 h prediction
#      cache answers);
#   3. POST /v1/classifications with a new body every request (every one a prediction
#      cache miss: validation, key, inference, insertion);
#   4. POST /v1/businesses/{id}/classify on fresh businesses, one request per business
#      (each stores 8 rows and an audit row in one transaction).
#
#   bench/classification/http_run.sh [seconds=10] [connections=64]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SECS=${1:-10}
CONNS=${2:-64}
OUT="$ROOT/bench/out/classification-http"
PORT=18490
source "$ROOT/bench/lib/node.sh"
export KYB_CLASSIFICATION_MODEL_PATH="$ROOT/actors/classification/model/kyb_industry.model"
bench_node_start
auth=(-H "Authorization: Bearer $KEY" -H 'Content-Type: application/json')
BIZ=$(curl -sf -X POST "$API/v1/businesses" "${auth[@]}" \
  -d '{"legal_name":"Blue Bottle Coffee Inc.","dba_name":"Blue Bottle Coffee","description":"espresso bar and cafe serving coffee and pastries","country":"US"}' | json '["id"]')
curl -sf -X POST "$API/v1/businesses/$BIZ/classify" "${auth[@]}" >/dev/null

# Fresh businesses for (4): enough for the run at the rate a write path can reach.
N_FRESH=${KYB_BENCH_FRESH:-20000}
echo "creating $N_FRESH businesses for the uncached classify run..."
cat >"$OUT/create.lua" <<LUA
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, string.format(
    '{"legal_name":"Corner Store %d-%d","description":"grocery and convenience store","country":"US"}', math.random(1e9), n))
end
LUA
wrk -t2 -c"$CONNS" -d60s -s "$OUT/create.lua" "$API/v1/businesses" >/dev/null &
WRK=$!
bench_track "$WRK"
while kill -0 $WRK 2>/dev/null; do
  [ "$(psql -Atq "$KYB_DATABASE_URL" -c 'SELECT count(*) FROM businesses')" -ge "$N_FRESH" ] && kill $WRK
  sleep 1
done
wait $WRK 2>/dev/null || true
psql -Atq "$KYB_DATABASE_URL" -c "SELECT id FROM businesses WHERE id <> '$BIZ' ORDER BY id" >"$OUT/fresh.txt"

cat >"$OUT/classify.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $KEY"
LUA
cat >"$OUT/text_same.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"name":"Harbor Dental Care","description":"family dentist offering cleanings and crowns","country":"US"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
LUA
# Every body new: wrk's threads run the script with the same random sequence, so each
# thread's number goes into the name too.
cat >"$OUT/text_new.lua" <<LUA
-- "first" is a global of each thread's state (thread:set): the thread's number.
local n, threads = 0, 0
local words = {"dental", "pizza", "hardware", "law", "florist", "bakery", "auto repair", "hotel", "pharmacy", "bookstore"}
setup = function(thread) thread:set("first", threads); threads = threads + 1 end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
request = function()
  n = n + 1
  local w = words[(n % #words) + 1]
  return wrk.format(nil, nil, nil, string.format(
    '{"name":"Harbor %s %d-%d-%d","description":"family %s business","country":"US"}', w, first, math.random(1e9), n, w))
end
LUA
classify_each_lua "$OUT/fresh.txt" "$OUT/classify_fresh.lua"

echo "warming up..."
wrk -t2 -c"$CONNS" -d2s -H "Authorization: Bearer $KEY" "$API/v1/businesses/$BIZ" >/dev/null
read -r G_RPS G_P50 G_P99 G_BAD < <(run_wrk "$API/v1/businesses/$BIZ" -H "Authorization: Bearer $KEY")
read -r C_RPS C_P50 C_P99 C_BAD < <(run_wrk "$API/v1/businesses/$BIZ/classify" -s "$OUT/classify.lua")
read -r S_RPS S_P50 S_P99 S_BAD < <(run_wrk "$API/v1/classifications" -s "$OUT/text_same.lua")
# Inferences and prediction cache hits of the new-body run (every request an inference).
predictions() {
  curl -sf "$METRICS/metrics" | awk '
    /^kyb_ml_model_inference_duration_seconds_count\{/ {i += $2}
    /^kyb_cache_hits_total\{cache_type="model_predictions"\}/ {h = $2}
    END {printf "%d %d\n", i, h}'
}
read -r I0 H0 < <(predictions)
read -r T_RPS T_P50 T_P99 T_BAD < <(run_wrk "$API/v1/classifications" -s "$OUT/text_new.lua")
read -r I1 H1 < <(predictions)
SETS_BEFORE=$(psql -Atq "$KYB_DATABASE_URL" -c "SELECT count(DISTINCT classification_id) FROM business_classifications")
read -r F_RPS F_P50 F_P99 F_BAD < <(run_wrk "$API/v1/" -s "$OUT/classify_fresh.lua")
SETS_AFTER=$(psql -Atq "$KYB_DATABASE_URL" -c "SELECT count(DISTINCT classification_id) FROM business_classifications")
HITS=$(curl -sf "$METRICS/metrics" | awk '/^kyb_cache_hit_rate_ratio\{cache_type="model_predictions"\}/ {print $2}')

python3 - "$CONNS" "$G_RPS" "$G_P50" "$G_P99" "$G_BAD" "$C_RPS" "$C_P50" "$C_P99" "$C_BAD" \
  "$S_RPS" "$S_P50" "$S_P99" "$S_BAD" "$T_RPS" "$T_P50" "$T_P99" "$T_BAD" \
  "$F_RPS" "$F_P50" "$F_P99" "$F_BAD" "$((SETS_AFTER - SETS_BEFORE))" "$HITS" "$(wc -l <"$OUT/fresh.txt")" \
  "$((I1 - I0))" "$((H1 - H0))" <<'PY'
import sys
a = sys.argv[1:]
conns = a[0]
rows = [("GET /v1/businesses/{id} (baseline, from memory)", a[1:5]),
        ("POST /v1/businesses/{id}/classify (business actor cache)", a[5:9]),
        ("POST /v1/classifications, same body (prediction cache)", a[9:13]),
        ("POST /v1/classifications, new body each (inference)", a[13:17]),
        ("POST /v1/businesses/{id}/classify, fresh (stored rows)", a[17:21])]
base = float(rows[0][1][0])
print(f"\nwrk -t2 -c{conns}, one node (2 HTTP workers), Release")
print(f"  {'':58} {'req/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'x base':>7} non-2xx")
for name, (rps, p50, p99, bad) in rows:
    print(f"  {name:58} {float(rps):9.0f} {float(p50):7.2f} {float(p99):7.2f} {float(rps)/base:7.2f} {bad}")
print(f"  new classification sets stored by the fresh run: {a[21]} (of {a[23]} businesses)")
print(f"  kyb_cache_hit_rate_ratio{{cache_type=\"model_predictions\"}}: {a[22]}")
print(f"  the new-body run: {a[24]} inferences, {a[25]} prediction cache hits")
PY
