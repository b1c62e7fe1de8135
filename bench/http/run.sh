#!/usr/bin/env bash
# HTTP benchmark of a node against nginx in the same run (machines are noisy: only the
# ratio is meaningful). Measures:
#   1. a cached GET /v1/businesses/{id} (the business actor holds it) with wrk, against
#      nginx (2 workers) serving the same JSON bytes as a static file at the same path;
#   2. POST /v1/businesses throughput (each one a committed transaction with its audit row);
#   3. where the cached GETs' time went on the node: per stage (parse, auth, handler with
#      its actor hops, encode, write) from kyb_http_stage_seconds, against wrk's p99.
#
#   bench/http/run.sh [seconds=10] [connections=64]
# Environment: KYB_BENCH_ACCESS_LOG=true|false (default true), KYB_BENCH_WORKERS (default 2).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SECS=${1:-10}
CONNS=${2:-64}
OUT="$ROOT/bench/out/http"
PORT=18480
NGINX_PORT=18481
command -v nginx >/dev/null || { echo "needs nginx (apt-get install nginx-light)"; exit 1; }
source "$ROOT/bench/lib/node.sh"
NGINX_PID=""
bench_node_start
BODY='{"legal_name":"Acme Widgets LLC","dba_name":"Acme","tax_id":"12-3456789","website_url":"https://acme.example.com","country":"US","registration_number":"5551234","registration_jurisdiction":"US-DE","address":{"line1":"1 Main St","city":"Dover","postal_code":"19901","country":"US"},"incorporation_date":"2015-03-01","description":"Industrial widgets","owners":[{"name":"Jane Roe","date_of_birth":"1980-05-17","nationality":"US","ownership_percent":60}]}'
BIZ=$(curl -sf -X POST "$API/v1/businesses" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d "$BODY" | json '["id"]')
mkdir -p "$OUT/www/v1/businesses"
curl -sf "$API/v1/businesses/$BIZ" -H "Authorization: Bearer $KEY" >"$OUT/www/v1/businesses/$BIZ"
cat >"$OUT/nginx.conf" <<NGX
worker_processes 2;
daemon off;
pid $OUT/nginx.pid;
error_log $OUT/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  # nginx at its best on a static file: descriptors and metadata cached, sendfile.
  open_file_cache max=1000 inactive=60s;
  sendfile on;
  tcp_nopush on;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $OUT/www;
    location / { default_type application/json; }
  }
}
NGX
nginx -c "$OUT/nginx.conf" &
NGINX_PID=$!
bench_track "$NGINX_PID"
sleep 0.5

echo "warming up..."
wrk -t2 -c"$CONNS" -d2s -H "Authorization: Bearer $KEY" "$API/v1/businesses/$BIZ" >/dev/null
read -r NG_RPS _ NG_P99 _ < <(run_wrk "http://127.0.0.1:$NGINX_PORT/v1/businesses/$BIZ")
curl -sf "$METRICS/metrics" >"$OUT/metrics-before.txt"
read -r KYB_RPS _ KYB_P99 KYB_BAD < <(run_wrk "$API/v1/businesses/$BIZ" -H "Authorization: Bearer $KEY")
curl -sf "$METRICS/metrics" >"$OUT/metrics-after.txt"
# Each create has its own tax id (a live duplicate is refused with 409 unless
# overridden): the wrk thread's number and a counter, "9T-NNNNNNN".
cat >"$OUT/post.lua" <<LUA
local body = '$BODY'
local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer $KEY"}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
request = function()
  n = n + 1
  local tax = string.format("9%d-%07d", tid, n)
  return wrk.format("POST", nil, headers, (body:gsub("12%-3456789", tax)))
end
LUA
read -r POST_RPS _ POST_P99 POST_BAD < <(run_wrk "$API/v1/businesses" -s "$OUT/post.lua")
ROWS=$(psql -Atq "$KYB_DATABASE_URL" -c "SELECT count(*) FROM businesses")

python3 - "$NG_RPS" "$NG_P99" "$KYB_RPS" "$KYB_P99" "$KYB_BAD" "$POST_RPS" "$POST_P99" "$POST_BAD" "$ROWS" "$CONNS" <<'PY'
import sys
ng, ngp, k, kp, kbad, p, pp, pbad, rows, conns = sys.argv[1:]
ng, k, p = float(ng), float(k), float(p)
print(f"\nGET /v1/businesses/{{id}} (cached), wrk -t2 -c{conns}")
print(f"  nginx static file (2 workers): {ng:10.0f} req/s   p99 {float(ngp):6.2f} ms")
print(f"  kyb-node:                      {k:10.0f} req/s   p99 {float(kp):6.2f} ms   non-2xx {kbad}")
print(f"  ratio kyb/nginx:               {k/ng:10.2f}   (target >= 0.65 in every run, p99 <= 5 ms)")
print(f"POST /v1/businesses (one committed transaction + audit row each)")
print(f"  kyb-node:                      {p:10.0f} req/s   p99 {float(pp):6.2f} ms   non-2xx {pbad}")
print(f"  ratio POST/GET:                {p/k:10.2f}   businesses in the database: {rows}")
PY
echo "where the cached GETs' time went on the node (kyb_http_stage_seconds over the wrk run)"
python3 "$ROOT/bench/lib/stages.py" "$OUT/metrics-before.txt" "$OUT/metrics-after.txt" "$KYB_P99"
