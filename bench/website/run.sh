#!/usr/bin/env bash
# Website analysis through the HTTP API, against a baseline measured in the same run
# (machines are noisy: the ratios are what to compare). One node (Release), a loopback
# web server (python3 http.server on 127.0.0.1) serving the 49 real pages of
# test/data/website/pages, 49 businesses whose website_url is one page each, and
# website.max_pages = 0 (only that page is read, no linked pages). With wrk, round robin
# over the 49 businesses:
#   0. baseline: GET /v1/businesses/{id}, a business actor answering from memory;
#   1. POST /v1/businesses/{id}/website-analysis {"refresh": true}: every request
#      fetches the page, parses and analyses it (the classifier's MCC for its text
#      included) and stores a website_analyses row with its audit row (201);
#   2. POST /v1/businesses/{id}/website-analysis without a body: answered from the
#      business actor's 7-day cache (200, "cached": true);
#   3. GET /v1/businesses/{id}/website-analysis: the latest stored row.
# Each phase's answer is checked first (status, and "cached" for 1 and 2; all 49 for 2).
#
#   bench/website/run.sh [seconds=10] [connections=64]
#
# The 49 sites share one host (127.0.0.1); on the internet they are 49 hosts. So that
# phase 1 does not measure one host's queue, the outbound client's per-host limit
# (outbound.per_host_concurrency, 8) is set to the connection count unless
# KYB_OUTBOUND_PER_HOST_CONCURRENCY is set (with 8 it measured the same: see README.md).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SECS=${1:-10}
CONNS=${2:-64}
OUT="$ROOT/bench/out/website"
PORT=18500
SITE_PORT=18501
PAGES="$ROOT/test/data/website/pages"
source "$ROOT/bench/lib/node.sh"

export KYB_CLASSIFICATION_MODEL_PATH="$ROOT/actors/classification/model/kyb_industry.model"
export KYB_OUTBOUND_ALLOW_PRIVATE=true KYB_OUTBOUND_ALLOWED_PORTS="80,443,$SITE_PORT"
export KYB_WEBSITE_MAX_PAGES=0
export KYB_OUTBOUND_PER_HOST_CONCURRENCY=${KYB_OUTBOUND_PER_HOST_CONCURRENCY:-$CONNS}

# The web server: loopback only, its request log in $OUT/site.log.
mkdir -p "$OUT"
SITE="http://127.0.0.1:$SITE_PORT"
if curl -s -o /dev/null "$SITE/"; then
  echo "something already listens on 127.0.0.1:$SITE_PORT" >&2
  exit 1
fi
# python3 -m http.server listens with a backlog of 5: 64 connections at once lose SYNs
# and wait out 1 s retransmits. The same server with a deeper backlog:
python3 - "$SITE_PORT" "$PAGES" >"$OUT/site.log" 2>&1 <<'PY' &
import functools, http.server, sys
class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 1024
    daemon_threads = True
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[2])
print(f"serving {sys.argv[2]} on 127.0.0.1:{sys.argv[1]}", flush=True)
Server(("127.0.0.1", int(sys.argv[1])), handler).serve_forever()
PY
SITE_PID=$!
bench_track "$SITE_PID"
for _ in $(seq 1 100); do
  curl -sf -o /dev/null "$SITE/" && break
  kill -0 "$SITE_PID" 2>/dev/null || { cat "$OUT/site.log" >&2; exit 1; }
  sleep 0.1
done

bench_node_start

# One business per page (one bulk import), their ids in page order.
(cd "$PAGES" && find . -name '*.html' | sed 's|^\./||' | LC_ALL=C sort) >"$OUT/pages.txt"
N=$(wc -l <"$OUT/pages.txt")
echo "creating $N businesses, one page each..."
while read -r page; do
  name=$(sed -e 's|/source\.html$||' -e 's|\.html$||' -e 's|[/_]| |g' <<<"$page")
  echo "{\"legal_name\":\"$name\",\"country\":\"US\",\"website_url\":\"$SITE/$page\"}"
done <"$OUT/pages.txt" >"$OUT/businesses.ndjson"
curl -sf -X POST "$API/v1/businesses/bulk" -H "Authorization: Bearer $KEY" \
  -H 'Content-Type: application/x-ndjson' --data-binary @"$OUT/businesses.ndjson" >/dev/null
psql -Atq "$KYB_DATABASE_URL" -c "SELECT id FROM businesses ORDER BY website_url" >"$OUT/ids.txt"
[ "$(wc -l <"$OUT/ids.txt")" -eq "$N" ] || { echo "the bulk import stored $(wc -l <"$OUT/ids.txt") of $N businesses" >&2; exit 1; }
FIRST=$(head -n 1 "$OUT/ids.txt")

# check STATUS CACHED METHOD SUFFIX BODY ID...: METHOD /v1/businesses/{id}SUFFIX for each
# ID (one python3 process: no per-request start-up); exits unless every answer is STATUS
# and, for CACHED true or false, carries that "cached" value.
check() {
  KEY=$KEY python3 - "$API" "$@" <<'PY2'
import json, os, sys, urllib.error, urllib.request
api, status, cached, method, suffix, body, *ids = sys.argv[1:]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
headers = {"Authorization": "Bearer " + os.environ["KEY"]}
if body:
    headers["Content-Type"] = "application/json"
for i in ids:
    req = urllib.request.Request(f"{api}/v1/businesses/{i}{suffix}", method=method,
                                 data=body.encode() if body else None, headers=headers)
    try:
        with opener.open(req, timeout=60) as r:
            code, text = r.status, r.read()
    except urllib.error.HTTPError as e:
        code, text = e.code, e.read()
    ok = code == int(status)
    if ok and cached != "-":
        ok = json.loads(text).get("cached") == (cached == "true")
    if not ok:
        sys.exit(f"{method} /v1/businesses/{i}{suffix} {body} answered {code} (expected "
                 f"{status}, cached {cached}): {text[:400]!r}")
what = "" if cached == "-" else f", cached {cached}"
print(f"  checked: {method} /v1/businesses/{{id}}{suffix}{' ' + body if body else ''} -> {status}{what} "
      f"({len(ids)} of {len(ids)})")
PY2
}

# Round robin over the businesses (two wrk threads interleave): METHOD, path after
# /v1/businesses/{id}, optional JSON body.
each_lua() { # OUT_FILE METHOD SUFFIX [BODY]
  cat >"$1" <<LUA
local ids = {}
for line in io.lines("$OUT/ids.txt") do ids[#ids + 1] = line end
-- "first" is a global of each thread's state (thread:set), the thread's number: a local
-- of that name would hide it, and both threads would start at 0.
local n, threads = 0, 0
setup = function(thread) thread:set("first", threads); threads = threads + 1 end
init = function() n = first end
wrk.method = "$2"
wrk.headers["Authorization"] = "Bearer $KEY"
LUA
  if [ -n "${4:-}" ]; then
    printf 'wrk.headers["Content-Type"] = "application/json"\nwrk.body = %s\n' "'$4'" >>"$1"
  fi
  cat >>"$1" <<LUA
request = function()
  local id = ids[(n % #ids) + 1]
  n = n + 2
  return wrk.format(nil, "/v1/businesses/" .. id .. "$3")
end
LUA
}
each_lua "$OUT/get.lua" GET ""
each_lua "$OUT/refresh.lua" POST /website-analysis '{"refresh": true}'
each_lua "$OUT/cached.lua" POST /website-analysis
each_lua "$OUT/latest.lua" GET /website-analysis

# Keeps each phase's wrk output; prints wrk's socket errors (timeouts) if it had any.
phase() { # NAME URL [wrk args...] -> "rps p50 p99 non2xx"
  local name=$1
  shift
  local r
  r=$(run_wrk "$@" --timeout 30s)
  cp "$OUT/wrk.txt" "$OUT/wrk-$name.txt"
  grep -h 'Socket errors' "$OUT/wrk.txt" | sed "s/^/  $name: /" >&2 || true
  echo "$r"
}

echo "first analyses (each business once)..."
mapfile -t IDS <"$OUT/ids.txt"
check 201 false POST /website-analysis "" "${IDS[@]}"
NOT_ANALYSED=$(psql -Atq "$KYB_DATABASE_URL" -c "SELECT requested_url || ': ' || outcome || ' ' || (result->>'error') FROM website_analyses WHERE outcome <> 'analysed'")
if [ -n "$NOT_ANALYSED" ]; then
  echo "pages not analysed (the bench measures analysed pages):" >&2
  echo "$NOT_ANALYSED" >&2
  exit 1
fi

echo "warming up..."
wrk -t2 -c"$CONNS" -d2s -s "$OUT/get.lua" "$API/" >/dev/null
check 200 - GET "" "" "$FIRST"
read -r G_RPS G_P50 G_P99 G_BAD < <(phase baseline "$API/" -s "$OUT/get.lua")
check 201 false POST /website-analysis '{"refresh": true}' "$FIRST"
ROWS_BEFORE=$(psql -Atq "$KYB_DATABASE_URL" -c "SELECT count(*) FROM website_analyses")
read -r R_RPS R_P50 R_P99 R_BAD < <(phase refresh "$API/" -s "$OUT/refresh.lua")
ROWS_AFTER=$(psql -Atq "$KYB_DATABASE_URL" -c "SELECT count(*) FROM website_analyses")
# Every business has an analysis and answers from its cache (all 49 checked).
check 200 true POST /website-analysis "" "${IDS[@]}"
read -r C_RPS C_P50 C_P99 C_BAD < <(phase cached "$API/" -s "$OUT/cached.lua")
check 200 - GET /website-analysis "" "$FIRST"
read -r L_RPS L_P50 L_P99 L_BAD < <(phase latest "$API/" -s "$OUT/latest.lua")

# Two lines to read phase 1 by: the web server alone (the same pages, round robin, the
# same connections) and one analysis at a time (a single connection's latency).
cat >"$OUT/site.lua" <<LUA
local pages = {}
for line in io.lines("$OUT/pages.txt") do pages[#pages + 1] = line end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/" .. pages[(n % #pages) + 1])
end
LUA
read -r S_RPS S_P50 S_P99 S_BAD < <(SECS=5 phase site "$SITE/" -s "$OUT/site.lua")
read -r O_RPS O_P50 O_P99 O_BAD < <(CONNS=1 SECS=5 phase refresh-c1 "$API/" -t1 -s "$OUT/refresh.lua")

ROWS=$(psql -Atq "$KYB_DATABASE_URL" -c "SELECT count(*) FROM website_analyses")
OUTCOMES=$(psql -Atq "$KYB_DATABASE_URL" -F ' ' -c \
  "SELECT string_agg(outcome || ' ' || n, ', ') FROM (SELECT outcome, count(*) n FROM website_analyses GROUP BY outcome ORDER BY outcome) o")
AUDIT=$(psql -Atq "$KYB_DATABASE_URL" -c "SELECT count(*) FROM audit_logs WHERE action = 'business.website_analyse'")
SITE_GETS=$(grep -c '"GET ' "$OUT/site.log" || true)

python3 - "$CONNS" "$N" "$KYB_OUTBOUND_PER_HOST_CONCURRENCY" \
  "$G_RPS" "$G_P50" "$G_P99" "$G_BAD" "$R_RPS" "$R_P50" "$R_P99" "$R_BAD" \
  "$C_RPS" "$C_P50" "$C_P99" "$C_BAD" "$L_RPS" "$L_P50" "$L_P99" "$L_BAD" \
  "$((ROWS_AFTER - ROWS_BEFORE))" "$ROWS" "$OUTCOMES" "$AUDIT" "$SITE_GETS" \
  "$S_RPS" "$S_P50" "$S_P99" "$S_BAD" "$O_RPS" "$O_P50" "$O_P99" "$O_BAD" <<'PY'
import sys
a = sys.argv[1:]
rows = [("GET /v1/businesses/{id} (baseline, from memory)", a[3:7]),
        ("POST .../website-analysis refresh (fetch, analyse, store)", a[7:11]),
        ("POST .../website-analysis (7-day cache, cached: true)", a[11:15]),
        ("GET .../website-analysis (latest stored row)", a[15:19])]
base = float(rows[0][1][0])
print(f"\nwrk -t2 -c{a[0]}, one node (2 HTTP workers), Release; {a[1]} businesses, one page "
      f"each (website.max_pages 0), outbound.per_host_concurrency {a[2]}, round robin")
print(f"  {'':58} {'req/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'x base':>7} non-2xx")
for name, (rps, p50, p99, bad) in rows:
    print(f"  {name:58} {float(rps):9.0f} {float(p50):7.2f} {float(p99):7.2f} {float(rps)/base:7.4f} {bad}")
print("  to read phase 1 by:")
for name, (rps, p50, p99, bad) in [("the web server alone, GET of the pages (5 s)", a[24:28]),
                                   ("POST .../website-analysis refresh, 1 connection (5 s)", a[28:32])]:
    print(f"  {name:58} {float(rps):9.0f} {float(p50):7.2f} {float(p99):7.2f} {'':>7} {bad}")
print(f"  analyses stored by the refresh run: {a[19]}")
print(f"  website_analyses rows at the end: {a[20]} ({a[21]}); audit rows: {a[22]}")
print(f"  pages served by the web server: {a[23]}")
PY
