#!/usr/bin/env bash
# Cache hit rate under a Zipf-distributed read load, on a real node:
# N businesses are imported and classified once, then wrk asks
# POST /v1/businesses/{id}/classify with ids drawn from Zipf(s) over the N businesses,
# and the node's kyb_cache_hit_rate_ratio{cache_type="classification"} gauge
# is read. Two runs in one: the node's budget for the type large enough for all
# N, then a fifth of N (cache.max_entries_per_node: LRU eviction across actors). Each
# run starts from a restarted node (empty caches); the ideal hit rate of a cache of the
# top-k keys, sum(top k)/sum(all) of the Zipf weights minus the first reads, is printed
# beside it.
#
#   bench/cache/zipf_run.sh [businesses=5000] [seconds=10] [s=1.0]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
N=${1:-5000}
SECS=${2:-10}
S=${3:-1.0}
CONNS=16
OUT="$ROOT/bench/out/cache"
PORT=18497
source "$ROOT/bench/lib/node.sh"
export KYB_CLASSIFICATION_MODEL_PATH="$ROOT/actors/classification/model/kyb_industry.model"
export KYB_LOG_ACCESS=false KYB_CACHE_WARM_MAX_BUSINESSES=0
bench_node_start
mkdir -p "$OUT"

python3 - "$N" >"$OUT/rows.ndjson" <<'PY'
import json, random, sys
rnd = random.Random(7)
kinds = ["Bakery", "Dental Care", "Hardware", "Pizza", "Law Offices", "Florist", "Motors",
         "Pharmacy", "Books", "Hotel", "Coffee Roasters", "Plumbing"]
for i in range(int(sys.argv[1])):
    print(json.dumps({"legal_name": f"{rnd.choice(['Harbor','Summit','Maple','Cedar'])} "
                      f"{rnd.choice(kinds)} {i}", "country": "US"}))
PY
curl -sf -o /dev/null -X POST -T "$OUT/rows.ndjson" -H "Authorization: Bearer $KEY" \
  -H 'Content-Type: application/x-ndjson' -H 'Transfer-Encoding: chunked' -H 'Expect:' \
  "$API/v1/businesses/bulk"
psql -Atq "$KYB_DATABASE_URL" -c "SELECT id FROM businesses ORDER BY id" >"$OUT/ids.txt"
echo "classifying $N businesses once..."
classify_each_lua "$OUT/ids.txt" "$OUT/once.lua"
wrk -t2 -c"$CONNS" -d60s -s "$OUT/once.lua" "$API/v1/" >/dev/null &
WRK=$!
bench_track "$WRK"
while kill -0 $WRK 2>/dev/null; do
  [ "$(psql -Atq "$KYB_DATABASE_URL" -c 'SELECT count(DISTINCT business_id) FROM business_classifications')" -ge "$N" ] && kill $WRK
  sleep 1
done
wait $WRK 2>/dev/null || true

cat >"$OUT/zipf.lua" <<LUA
local ids = {}
for line in io.lines("$OUT/ids.txt") do ids[#ids + 1] = line end
local cdf, total = {}, 0
for k = 1, #ids do total = total + 1 / (k ^ $S); cdf[k] = total end
math.randomseed(os.time() + (tonumber(tostring({}):sub(8), 16) or 0))
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $KEY"
request = function()
  local u, lo, hi = math.random() * total, 1, #ids
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < u then lo = mid + 1 else hi = mid end
  end
  return wrk.format(nil, "/v1/businesses/" .. ids[lo] .. "/classify")
end
LUA

restart_node() { # budget
  bench_node_stop
  bench_node_run KYB_CACHE_MAX_ENTRIES_PER_NODE="$1" KYB_CACHE_MAX_ENTRIES_PER_ACTOR=4
}
metric() { curl -sf "$METRICS/metrics" | awk -v k="$1" 'index($0, k" ") == 1 {print $2}'; }
results=()
for budget in "$N" "$((N / 5))"; do
  restart_node "$budget"
  read -r RPS P50 P99 BAD < <(run_wrk "$API/v1/" -s "$OUT/zipf.lua")
  HR=$(metric 'kyb_cache_hit_rate_ratio{cache_type="classification"}')
  H=$(metric 'kyb_cache_hits_total{cache_type="classification"}')
  M=$(metric 'kyb_cache_misses_total{cache_type="classification"}')
  EV=$(metric 'kyb_cache_evictions_total{cache_type="classification"}')
  results+=("$budget $RPS $P50 $P99 $BAD ${HR:-0} ${H:-0} ${M:-0} ${EV:-0}")
done
python3 - "$N" "$S" "$SECS" "${results[@]}" <<'PY'
import sys
n, s, secs = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
w = [1 / (k ** s) for k in range(1, n + 1)]
total = sum(w)
print(f"\nZipf(s={s}) over {n} classified businesses, POST /v1/businesses/{{id}}/classify,"
      f" wrk -t2 -c16 -d{secs}s, from empty caches")
print(f"  {'node budget':>11} {'req/s':>8} {'p99 ms':>7} {'hit rate':>9} {'ideal':>6} "
      f"{'hits':>8} {'misses':>7} {'evicted':>8}")
for r in sys.argv[4:]:
    b, rps, p50, p99, bad, hr, h, m, ev = r.split()
    b = int(b)
    reqs = float(h) + float(m)
    # ideal: the top-b keys cached, each missed once when first read
    ideal = (sum(w[:b]) / total) - (min(b, n) / reqs if reqs else 0)
    print(f"  {b:>11} {float(rps):8.0f} {float(p99):7.2f} {float(hr):9.3f} {max(ideal, 0):6.3f} "
          f"{float(h):8.0f} {float(m):7.0f} {float(ev):8.0f}")
PY
