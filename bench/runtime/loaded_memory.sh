#!/usr/bin/env bash
# Memory per live business actor with its state loaded, measured on a real node: N
# businesses (each with one owner, an address and a description) are written straight into
# PostgreSQL, then every one is read once through the HTTP API, which activates its actor
# and loads it. The node's resident set before and after, divided by the live business
# actors it reports, is the cost of one loaded actor (the directory entry, the actor, its
# state and its rendered view). actor_memory_bench measures activation alone.
#
#   bench/runtime/loaded_memory.sh [N=100000]
# Environment: KYB_BENCH_BUILD (a built tree with kyb-node; default build, the Release
# tree of deploy/local/kyb up, configured and built here when unset).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
N=${1:-100000}
OUT="$ROOT/bench/out/loaded_memory"
# bench_build, the bench TLS settings, and on exit, after the node stopped (bench_track):
# $DB dropped and the bench services stopped. The node is started here, not with
# bench_node_start: its settings are this bench's own.
source "$ROOT/bench/lib/node.sh"
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 1; }
bench_build kyb-node
eval "$("$ROOT/deploy/local/kyb" services start bench 2>/dev/null)"
BASE_URL=${KYB_DATABASE_URL%/*}
DB=kyb_mem_bench_$$
psql -q "$BASE_URL/postgres" -c "CREATE DATABASE $DB"
# The bench profile's own ports (a development node uses 8080 and 9101).
export KYB_DATABASE_URL="$BASE_URL/$DB" KYB_HTTP_LISTEN=127.0.0.1:18490 KYB_LOG_ACCESS=false
export KYB_CLUSTER_LISTEN=127.0.0.1:19490 KYB_CLUSTER_ADMIN_LISTEN=127.0.0.1:19491 KYB_METRICS_LISTEN=127.0.0.1:19492
export KYB_SECURITY_TAX_ID_KEY=$(openssl rand -base64 32) KYB_SECURITY_TAX_ID_HMAC_KEY=$(openssl rand -base64 32) KYB_SECURITY_AUDIT_KEY=$(openssl rand -base64 32)
export KYB_SECURITY_BOOTSTRAP_KEY_FILE="$OUT/operator.key" KYB_ACTORS_PASSIVATE_AFTER=1h
export KYB_SCREENING_SOURCES=configured # no list downloads during the measurement
# The node keeps the rendered views of this many recently read businesses (the default):
# part of what the walk adds, a fixed amount however many businesses are loaded.
export KYB_CACHE_BUSINESS_VIEWS=${KYB_CACHE_BUSINESS_VIEWS:-16384}
rm -f "$OUT/operator.key"
bench_tls
"$BUILD/kyb-node" >"$OUT/node.log" 2>&1 &
NODE_PID=$!
bench_track "$NODE_PID"
API=http://127.0.0.1:18490
for _ in $(seq 1 100); do curl -sf "$API/health" >/dev/null && break; sleep 0.1; done
OP=$(cat "$OUT/operator.key")
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
T=$(curl -sf -X POST "$API/v1/tenants" -H "Authorization: Bearer $OP" -H 'Content-Type: application/json' \
  -d '{"name":"mem","rate_limit":{"requests_per_second":1000000,"burst":1000000}}' | json '["id"]')
KEY=$(curl -sf -X POST "$API/v1/tenants/$T/api-keys" -H "Authorization: Bearer $OP" \
  -H 'Content-Type: application/json' -d '{"scopes":["read"]}' | json '["key"]')
psql -q "$KYB_DATABASE_URL" <<SQL
INSERT INTO businesses (id, tenant_id, region, legal_name, dba_name, website_url, country,
                        registration_number, registration_jurisdiction, address,
                        incorporation_date, description, created_at, updated_at)
SELECT gen_random_uuid(), '$T', 'us', 'Acme Widgets ' || g || ' LLC', 'Acme ' || g,
       'https://acme' || g || '.example.com', 'US', lpad(g::text, 7, '0'), 'US-DE',
       '{"line1": "1 Main St", "city": "Dover", "postal_code": "19901", "country": "US"}',
       DATE '2015-03-01', 'Industrial widgets and spare parts for merchant ' || g, now(), now()
FROM generate_series(1, $N) g;
INSERT INTO business_owners (id, business_id, tenant_id, region, position, name,
                             date_of_birth, nationality, ownership_percent, created_at)
SELECT gen_random_uuid(), id, tenant_id, 'us', 0, 'Jane Roe', DATE '1980-05-17', 'US', 60, now()
FROM businesses;
SQL
psql -Atq "$KYB_DATABASE_URL" -c "SELECT id FROM businesses" >"$OUT/ids"
rss() { awk '/VmRSS/ {print $2}' "/proc/$NODE_PID/status"; }
live() { curl -sf "http://127.0.0.1:19492/metrics" | awk '/^kyb_runtime_live_actors / {print $2}'; }
cat >"$OUT/walk.lua" <<LUA
local ids, n = {}, 0
for line in io.lines("$OUT/ids") do n = n + 1; ids[n] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/v1/businesses/" .. ids[((i - 1) % n) + 1],
                    {["Authorization"] = "Bearer $KEY"})
end
LUA
before=$(rss); live0=$(live)
# Each wrk thread walks the whole list in order (its own counter), so every id is read.
wrk -t2 -c8 -d"$(( N / 2000 + 10 ))"s -s "$OUT/walk.lua" "$API" >"$OUT/wrk.txt"
sleep 1
after=$(rss); live1=$(live)
python3 - "$before" "$after" "$live0" "$live1" "$N" "$KYB_CACHE_BUSINESS_VIEWS" <<'PY'
import sys
before, after, l0, l1, n, views = (float(x) for x in sys.argv[1:])
actors = l1 - l0
print(f"businesses in PostgreSQL:      {int(n)}")
print(f"live actors before/after:      {int(l0)} / {int(l1)}")
print(f"resident set before/after:     {before/1024:.1f} MiB / {after/1024:.1f} MiB")
print(f"per loaded business actor:     {(after-before)*1024/actors:.0f} bytes ({(after-before)/actors:.2f} KiB)")
print(f"rendered views kept:           {min(int(views), int(n))} (cache.business_views)")
PY
grep -E "Requests/sec|requests in" "$OUT/wrk.txt"
