#!/usr/bin/env bash
# Business search at a million businesses in the searched tenant, several million in the
# table, against the statement it replaced, measured in the same run and database
# (machines are noisy: the ratios are what compare).
#   1. one Release node on loopback (bench/lib/node.sh: the bench profile's own
#      PostgreSQL and Redis, a fresh database the node migrates); TENANTS tenants of ROWS
#      businesses each and one of 2,000, loaded with generate_series SQL
#      (bench/search/seed.sql: real brand names from test/data, with the descriptors,
#      cities and legal forms company names carry), then VACUUM ANALYZE;
#   2. warm, per query: the replaced statement (its expression index made again for
#      it), prepared in psql, p50/p95 of 5 runs; the platform's statement
#      (business_search, text from its catalogue via statement_sql), the same way, of 40
#      runs; and GET /v1/businesses/search through the node (keep-alive, p50/p95 of 100);
#   3. cold, per query: PostgreSQL restarted and the kernel's page cache dropped (when
#      this machine lets us), one run of each statement;
#   4. the plans: EXPLAIN (ANALYZE, BUFFERS) of the replaced statement and, through
#      auto_explain, of the search function's statement as the node runs it.
# Targets: p95 <= 100 ms warm for any one- or two-word query, <= 1 s cold.
#
#   bench/search/run.sh [rows per tenant=1000000] [tenants=5]
# Environment: KYB_BENCH_BUILD (a built tree with kyb-node and statement_sql; default
# build, the Release tree of deploy/local/kyb up, configured and built here when unset).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ROWS=${1:-1000000}
TENANTS=${2:-5}
OUT="$ROOT/bench/out/search"
PORT=18561
source "$ROOT/bench/lib/node.sh"
bench_build statement_sql
SQL_BIN="$BUILD/bench/persistence/statement_sql"
bench_node_start
DBURL="$KYB_DATABASE_URL"
TENANT=$(psql -Atq "$DBURL" -c "SELECT id FROM tenants WHERE name = 'bench'")
new_tenant() {
  curl -sf -X POST "$API/v1/tenants" -H "Authorization: Bearer $OP" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$1\"}" | json '["id"]'
}

echo "loading $TENANTS x $ROWS businesses and a small tenant's 2000..."
T0=$(date +%s.%N)
python3 - "$ROOT/test/data/labeled/nsi_brands_mcc_dev.csv" >"$OUT/brands.tsv" <<'PY'
import csv, sys
seen = set()
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
    b = (r["brand"] or r["name"]).strip()
    if b and b not in seen and "\t" not in b and "\\" not in b:
        seen.add(b)
        print(f"{len(seen)}\t{b}")
PY
psql -q -v ON_ERROR_STOP=1 "$DBURL" <<SQL
CREATE UNLOGGED TABLE brand_names (n integer PRIMARY KEY, name text NOT NULL);
\copy brand_names FROM '$OUT/brands.tsv'
SQL
seed() { # tenant rows seed
  psql -q -v ON_ERROR_STOP=1 "$DBURL" -v tenant="$1" -v rows="$2" -v seed="$3" \
    -f "$ROOT/bench/search/seed.sql"
}
seed "$TENANT" "$ROWS" 1
for i in $(seq 2 "$TENANTS"); do seed "$(new_tenant "bench-search-$i")" "$ROWS" "$i"; done
SMALL=$(new_tenant bench-search-small)
seed "$SMALL" 2000 99
psql -q "$DBURL" -c "VACUUM ANALYZE businesses"
T1=$(date +%s.%N)
echo "  loaded in $(python3 -c "print(round($T1 - $T0, 1))") s; businesses: $(psql -Atq "$DBURL" -c "SELECT count(*) FROM businesses")"

# The statement search used before (migration 0019), and the index it read.
echo "making the replaced statement's expression index..."
psql -q "$DBURL" -c "CREATE INDEX bench_old_search_text ON businesses USING gin
  (to_tsvector('english', legal_name || ' ' || COALESCE(dba_name, ''))) WHERE deleted_at IS NULL"
psql -q "$DBURL" -c "ANALYZE businesses"
OLD_SQL="$ROOT/bench/search/replaced_search.sql"
NEW_SQL=$("$SQL_BIN" business_search)
LIMIT=50
CANDIDATES=500 # as the node passes with api.search_limit 50: max(500, 2 x limit)

times() { # prepare-statement args n -> "p50 p95" ms of EXECUTE in psql (after 1 warm-up)
  { echo "PREPARE s AS $1;"
    echo "EXECUTE s($2) \\g /dev/null"
    echo '\timing on'
    for _ in $(seq 1 "$3"); do echo "EXECUTE s($2) \\g /dev/null"; done
  } | psql -q "$DBURL" | awk '/^Time:/ {print $2}' | sort -n |
    awk '{t[NR] = $1} END {i = int(NR * 0.95) + 1; if (i > NR) i = NR; printf "%.1f %.1f", t[int((NR + 1) / 2)], t[i]}'
}
old_args() { echo "'$1', '$2', NULL, $LIMIT"; }
new_args() { echo "'$1', '$2', NULL, $LIMIT, $CANDIDATES"; }
matches() {
  psql -Atq "$DBURL" -c "SELECT count(*) FROM businesses WHERE tenant_id = '$1' AND deleted_at IS NULL
    AND search_vector @@ plainto_tsquery('english', '$2')"
}

# One- and two-word queries from rare to common (llc: a third of the names).
QUERIES=("starbucks" "domino" "pizza" "coffee" "hotel" "bank" "services" "llc"
  "first national" "chicago services" "pizza hut")
declare -A OLD_P95 NEW_P95 HTTP_P95
printf "\nwarm, tenant of %s businesses (ms; psql: the statement alone, prepared):\n" "$ROWS"
printf "%-18s %8s %17s %17s %17s %9s\n" query matches "replaced p50/p95" "now p50/p95" "HTTP p50/p95" "p95 gain"
for q in "${QUERIES[@]}"; do
  read -r op50 op95 <<<"$(times "$(cat "$OLD_SQL")" "$(old_args "$TENANT" "$q")" 5)"
  read -r np50 np95 <<<"$(times "$NEW_SQL" "$(new_args "$TENANT" "$q")" 40)"
  read -r hp50 hp95 <<<"$(python3 - "$API" "$KEY" "$q" <<'PY'
import http.client, sys, time, urllib.parse
api, key, q = sys.argv[1:4]
host, port = api.split("//")[1].split(":")
conn = http.client.HTTPConnection(host, int(port), timeout=120)
path = "/v1/businesses/search?q=" + urllib.parse.quote(q)
def get():
    t = time.perf_counter()
    conn.request("GET", path, headers={"Authorization": "Bearer " + key})
    r = conn.getresponse()
    body = r.read()
    if r.status != 200:
        sys.exit(f"{path}: HTTP {r.status} {body[:300]!r}")
    return (time.perf_counter() - t) * 1000
for _ in range(3):
    get()
ts = sorted(get() for _ in range(100))
print(f"{ts[len(ts) // 2]:.1f} {ts[min(len(ts) - 1, int(len(ts) * 0.95))]:.1f}")
PY
)"
  OLD_P95[$q]=$op95 NEW_P95[$q]=$np95 HTTP_P95[$q]=$hp95
  printf "%-18s %8s %8s/%-8s %8s/%-8s %8s/%-8s %8.1fx\n" "$q" "$(matches "$TENANT" "$q")" \
    "$op50" "$op95" "$np50" "$np95" "$hp50" "$hp95" "$(python3 -c "print($op95 / max($np95, 0.01))")"
done
printf "\nthe small tenant (2000 businesses) in the same table:\n"
for q in llc pizza; do
  read -r op50 op95 <<<"$(times "$(cat "$OLD_SQL")" "$(old_args "$SMALL" "$q")" 5)"
  read -r np50 np95 <<<"$(times "$NEW_SQL" "$(new_args "$SMALL" "$q")" 20)"
  printf "%-18s %8s %8s/%-8s %8s/%-8s %8.1fx\n" "$q" "$(matches "$SMALL" "$q")" "$op50" "$op95" \
    "$np50" "$np95" "$(python3 -c "print($op95 / max($np95, 0.01))")"
done

cold_once() { # prepare-statement args -> ms of the first EXECUTE after a restart
  "$ROOT/deploy/local/kyb" pg-restart bench >/dev/null 2>&1
  sync
  echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true
  { echo "PREPARE s AS $1;"; echo '\timing on'; echo "EXECUTE s($2) \\g /dev/null"; } |
    psql -q "$DBURL" | awk '/^Time:/ {printf "%.0f", $2}'
}
if (echo 3 >/proc/sys/vm/drop_caches) 2>/dev/null; then CACHE="page cache dropped"; else CACHE="page cache kept: not permitted here"; fi
printf "\ncold (PostgreSQL restarted, %s; ms of the first run):\n" "$CACHE"
printf "%-18s %10s %10s\n" query replaced now
WORST_COLD=0
for q in pizza bank llc "first national"; do
  o=$(cold_once "$(cat "$OLD_SQL")" "$(old_args "$TENANT" "$q")")
  n=$(cold_once "$NEW_SQL" "$(new_args "$TENANT" "$q")")
  printf "%-18s %10s %10s\n" "$q" "$o" "$n"
  WORST_COLD=$((n > WORST_COLD ? n : WORST_COLD))
done

WORST=$(for q in "${QUERIES[@]}"; do echo "${NEW_P95[$q]}"; done | sort -n | tail -1)
WORST_HTTP=$(for q in "${QUERIES[@]}"; do echo "${HTTP_P95[$q]}"; done | sort -n | tail -1)
printf "\nworst warm p95: %s ms (statement), %s ms (HTTP): %s; worst cold: %s ms: %s\n" \
  "$WORST" "$WORST_HTTP" "$(python3 -c "print('PASS (<= 100 ms)' if $WORST_HTTP <= 100 else 'FAIL (> 100 ms)')")" \
  "$WORST_COLD" "$([ "$WORST_COLD" -le 1000 ] && echo "PASS (<= 1 s)" || echo "FAIL (> 1 s)")"

plans() { # query
  echo
  echo "== replaced statement, q=$1: EXPLAIN (ANALYZE, BUFFERS)"
  { echo "PREPARE s AS $(cat "$OLD_SQL");"; echo "EXPLAIN (ANALYZE, BUFFERS) EXECUTE s($(old_args "$TENANT" "$1"));"; } |
    psql -Atq "$DBURL"
  echo "== business_search, q=$1: the search function's statement (auto_explain)"
  { echo "LOAD 'auto_explain';"
    echo "SET auto_explain.log_min_duration = 0; SET auto_explain.log_analyze = on;"
    echo "SET auto_explain.log_buffers = on; SET auto_explain.log_nested_statements = on;"
    echo "SET client_min_messages = log;"
    echo "PREPARE s AS $NEW_SQL;"
    echo "EXECUTE s($(new_args "$TENANT" "$1")) \\g /dev/null"
  } | psql -Atq "$DBURL" 2>&1 | awk '/^LOG:/ {n++; next} n == 1' | sed '1,/LIMIT p_limit/d'
}
{ plans pizza; plans llc; plans "first national"; } | tee "$OUT/plans.txt"
