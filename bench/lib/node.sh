# Shared by the HTTP benchmarks (source it): a Release kyb-node on loopback against the
# bench profile's private PostgreSQL and Redis, a tenant with a rate limit no benchmark
# reaches, and wrk with its numbers parsed.
#
#   ROOT=... OUT=... PORT=... CONNS=... SECS=...; source bench/lib/node.sh
#   bench_node_start            # builds, starts services and the node; sets API OP KEY
#                               # and METRICS (its metrics listener, PORT + 1000)
#   run_wrk URL [wrk args...]   # -> "req/s p50_ms p99_ms non2xx"
# Extra node settings go in the environment (KYB_*) before bench_node_start. The node's
# cluster port is PORT + 1000 (never the default 9101 of a development node). The node and
# anything passed to bench_track stop on every exit (bench/lib/cleanup.sh).

source "$ROOT/bench/lib/cleanup.sh"
# The Release tree of deploy/local/kyb up; KYB_BENCH_BUILD names another, already built
# tree instead (used as it is: not configured or rebuilt).
BUILD="${KYB_BENCH_BUILD:-$ROOT/build}"
source "$ROOT/bench/lib/tls.sh"
NODE_PID=""
DB=""

# Configures and builds TARGETS in the Release tree, unless KYB_BENCH_BUILD names a tree
# to use as it is.
bench_build() { # TARGET...
  if [ -z "${KYB_BENCH_BUILD:-}" ]; then
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD" --target "$@" -j"$(nproc)" >/dev/null
  fi
}

bench_cleanup() {
  if [ -n "$DB" ]; then psql -q "$BASE_URL/postgres" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true; fi
  "$ROOT/deploy/local/kyb" services stop bench >/dev/null 2>&1 || true
}
bench_on_exit bench_cleanup

# Starts the node with the environment as set (extra KYB_* assignments as arguments),
# appending to $OUT/node.log, and waits until it is healthy; exits with its log if not.
bench_node_run() {
  env "$@" "$BUILD/kyb-node" >>"$OUT/node.log" 2>&1 &
  NODE_PID=$!
  bench_track "$NODE_PID"
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && return 0
    kill -0 "$NODE_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "kyb-node did not become healthy on 127.0.0.1:$PORT; the end of $OUT/node.log:" >&2
  tail -n 20 "$OUT/node.log" >&2
  exit 1
}

# Stops the node (SIGTERM: it drains within node.drain_timeout).
bench_node_stop() {
  [ -z "$NODE_PID" ] || bench_stop_pids "$NODE_PID"
  NODE_PID=""
}

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

bench_node_start() {
  for tool in wrk curl python3 psql; do
    command -v $tool >/dev/null || { echo "needs $tool (apt-get install wrk curl)"; exit 1; }
  done
  mkdir -p "$OUT"
  bench_build kyb-node
  eval "$("$ROOT/deploy/local/kyb" services start bench 2>/dev/null)"
  DB=kyb_bench_$$
  BASE_URL=${KYB_DATABASE_URL%/*}
  psql -q "$BASE_URL/postgres" -c "CREATE DATABASE $DB"
  export KYB_DATABASE_URL="$BASE_URL/$DB" KYB_HTTP_LISTEN="127.0.0.1:$PORT"
  export KYB_CLUSTER_LISTEN="127.0.0.1:$((PORT + 1000))" KYB_CLUSTER_ADMIN_LISTEN="127.0.0.1:$((PORT + 1200))"
  export KYB_SECURITY_TAX_ID_KEY=$(openssl rand -base64 32) KYB_SECURITY_TAX_ID_HMAC_KEY=$(openssl rand -base64 32) KYB_SECURITY_AUDIT_KEY=$(openssl rand -base64 32)
  export KYB_SECURITY_BOOTSTRAP_KEY_FILE="$OUT/operator.key" KYB_LOG_ACCESS=${KYB_BENCH_ACCESS_LOG:-true}
  export KYB_HTTP_WORKERS=${KYB_BENCH_WORKERS:-2}
  export KYB_SCREENING_SOURCES=${KYB_SCREENING_SOURCES:-configured} # no downloads mid-run
  export KYB_METRICS_LISTEN="127.0.0.1:$((PORT + 1100))"
  METRICS="http://127.0.0.1:$((PORT + 1100))"
  bench_tls
  rm -f "$OUT/operator.key" "$OUT/node.log"
  bench_node_run
  OP=$(cat "$OUT/operator.key")
  API="http://127.0.0.1:$PORT"
  local tenant
  tenant=$(curl -sf -X POST "$API/v1/tenants" -H "Authorization: Bearer $OP" -H 'Content-Type: application/json' \
    -d '{"name":"bench","rate_limit":{"requests_per_second":1000000,"burst":1000000}}' | json '["id"]')
  KEY=$(curl -sf -X POST "$API/v1/tenants/$tenant/api-keys" -H "Authorization: Bearer $OP" \
    -H 'Content-Type: application/json' -d '{"scopes":["read","write"]}' | json '["key"]')
}

# Writes a wrk script that POSTs /v1/businesses/{id}/classify once for each id of
# IDS_FILE (two wrk threads interleave, so no id comes twice until all have).
classify_each_lua() { # IDS_FILE OUT_FILE
  cat >"$2" <<LUA
local ids = {}
for line in io.lines("$1") do ids[#ids + 1] = line end
-- "first" is a global of each thread's state (thread:set), the thread's number: a local
-- of that name would hide it, and both threads would start at 0.
local n, threads = 0, 0
setup = function(thread) thread:set("first", threads); threads = threads + 1 end
init = function() n = first end
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $KEY"
request = function()
  local id = ids[(n % #ids) + 1]
  n = n + 2
  return wrk.format(nil, "/v1/businesses/" .. id .. "/classify")
end
LUA
}

ms_of() { # a wrk latency ("812.00us", "1.68ms", "1.2s") in milliseconds
  awk -v v="$1" 'BEGIN { if (v ~ /us$/) {sub("us","",v); v=v/1000} else if (v ~ /ms$/) {sub("ms","",v)} else if (v ~ /s$/) {sub("s","",v); v=v*1000}; print v }'
}

run_wrk() { # url [extra args...] -> "rps p50_ms p99_ms non2xx"
  local url=$1; shift
  wrk -t2 -c"$CONNS" -d"${SECS}s" --latency "$@" "$url" >"$OUT/wrk.txt"
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/wrk.txt")
  p50=$(ms_of "$(awk '$1=="50%" {print $2}' "$OUT/wrk.txt")")
  p99=$(ms_of "$(awk '$1=="99%" {print $2}' "$OUT/wrk.txt")")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$OUT/wrk.txt")
  echo "$rps $p50 $p99 ${non2xx:-0}"
}
