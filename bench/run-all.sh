#!/usr/bin/env bash
# Runs every benchmark under bench/ one after another and prints one markdown table:
#
#   bench | measure | value | baseline | ratio | target | pass/fail
#
# "baseline" is what the bench measures in the same run to compare against (nginx, a
# cached business read, COPY, the smallest CAF actor...), "ratio" is value / baseline: on
# a noisy machine the ratios are what compare between runs. A row without a stated target
# says "-" and "info".
#
#   bench/run-all.sh [--quick] [--only NAME[,NAME...]] [--parse-only DIR]
#
#   --quick          smaller sizes and shorter runs (a smoke test of every bench)
#   --only           run only these benches (names: bench/run-all.sh --help)
#   --parse-only DIR run nothing: print the table again from the outputs saved in DIR
#
# Environment:
#   KYB_BENCH_BUILD           a built Release tree to use as it is (default: build/,
#                             configured and built once here, before the first bench)
#   KYB_RUN_ALL_OUT           where the outputs go (default bench/out/run-all)
#   KYB_RUN_ALL_<NAME>_ARGS   a bench's arguments instead of the defaults below (NAME in
#                             capitals, "-" as "_": KYB_RUN_ALL_SEARCH_ARGS="1000000 5")
#   KYB_BENCH_DATABASE_URL    PostgreSQL for risk-trends and persistence (with
#   KYB_BENCH_REDIS_URL       KYB_BENCH_REDIS_URL); unset, the bench profile's services
#   KYB_BENCH_FRESH           fresh businesses of classification-http and risk-http
#
# Each bench's stdout and stderr go to DIR/<name>.txt, between a first line naming the
# command and a last one with its exit status; the benches' own files (wrk reports, node
# logs) stay in bench/out/<bench>/. The table also goes to DIR/table.md and the machine
# to DIR/machine.txt. The exit status is 1 if a bench failed (or its output could not be
# read); a missed target is a result, not a failure.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# Numbers are printed and read with a decimal point whatever the locale.
export LC_NUMERIC=C
# The parsers start python3 a hundred times: the interpreter itself, not a version
# manager's wrapper script (which can cost a second a call on a loaded machine), and
# without site packages (they use re and sys).
PYTHON=$(python3 -c 'import sys; print(sys.executable)')
py() { "$PYTHON" -S "$@"; }

# In the order they run: single-node HTTP benches first, the ones that load millions of
# rows or start several nodes later.
BENCHES=(http slowloris cluster actor-memory loaded-memory search classification
  classification-http screening import risk-trends risk-http website verification regions
  cache persistence net)

# Targets, as the benches state them. Rows without one are "info".
T_HTTP_GET_RATIO=0.65     # cached GET req/s, x nginx serving the same bytes
T_HTTP_GET_P99_MS=5       # cached GET p99
T_FAILOVER_MS=3000        # kill -9 of a node until its shards are served again
T_HUNG_MS=3000            # a SIGSTOPped node until declared down
T_REMOTE_RATIO=0.6        # cached GET owned by another node, x owned by the receiving one
T_ACTIVATED_KIB=2         # activated business actor with its directory entry
T_LOADED_KIB=2.5          # business actor with its state loaded, on a real node
T_SEARCH_WARM_MS=100      # search p95, warm, any one- or two-word query
T_SEARCH_COLD_MS=1000     # search, first run after a PostgreSQL restart
T_CLASSIFY_P50_US=50      # classify() p50 per business, one core
T_CLASSIFY_CACHED=0.8     # cached classify req/s, x a cached business read
T_CLASSIFY_INFERENCE=0.5  # classification with inference req/s, x a cached business read
T_SCREEN_LOAD_MS=500      # load + index OFAC + UN
T_SCREEN_P50_US=100       # screening p50 per name, index
T_SCREEN_SPEEDUP=20       # index vs brute force
T_IMPORT_RATIO=0.5        # bulk import rows/s, x COPY
T_RISK_CACHED=0.5         # cached risk assessment req/s, x a cached business read
T_LAG_P99_MS=1000         # replication lag p99 to each replica region
T_WRITABLE_MS=5000        # region kill until a write is accepted again
T_CACHE_HIT=0.95          # cache hit rate with room for the working set

usage() {
  cat <<EOF
usage: bench/run-all.sh [--quick] [--only NAME[,NAME...]] [--parse-only DIR]
benches: ${BENCHES[*]}
EOF
}

# ---------------------------------------------------------------------------------------
# Reading outputs

# The groups of REGEX's Nth match in FILE (1 the first, -1 the last), separated by tabs;
# nothing when it does not match. Python's re, multi-line.
grab() { # FILE REGEX [N]
  py - "$@" <<'PY'
import re, sys
text = open(sys.argv[1], errors="replace").read()
found = list(re.finditer(sys.argv[2], text, re.M))
n = int(sys.argv[3]) if len(sys.argv) > 3 else 1
if found and n != 0 and -len(found) <= n <= len(found):
    print("\t".join(g or "-" for g in found[n - 1 if n > 0 else n].groups()))
PY
}

# The numbers that end the first line of FILE holding LABEL (literally), separated by
# tabs: the columns of the benches' own tables ("req/s p50 p99 x-base non-2xx").
numbers_after() { # FILE LABEL
  py - "$@" <<'PY'
import re, sys
for line in open(sys.argv[1], errors="replace"):
    if sys.argv[2] in line:
        words = line.split(sys.argv[2], 1)[1].split()
        tail = []
        while words and re.fullmatch(r"-?\d+(\.\d+)?", words[-1]):
            tail.insert(0, words.pop())
        print("\t".join(tail))
        break
PY
}

# True when every argument is a number (a missing value fails the bench's row).
need() { # VALUE...
  local v
  for v in "$@"; do [[ $v =~ ^-?[0-9]+(\.[0-9]+)?$ ]] || return 1; done
}

fmt() { printf "%.${1}f" "$2"; } # DECIMALS VALUE

ratio() { # A B -> A / B: two decimals, two significant digits below 0.1
  awk -v a="$1" -v b="$2" 'BEGIN {
    if (b + 0 == 0) { print "-"; exit }
    r = a / b
    if (r >= 0.1) printf "%.2f\n", r; else printf "%.2g\n", r }'
}

check() { # VALUE OP LIMIT -> pass | fail
  awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
    ok = (op == "<=") ? (v + 0 <= l + 0) : (v + 0 >= l + 0); print ok ? "pass" : "fail" }'
}

# A wrk row with non-2xx answers measured errors, too: it cannot pass.
non2xx() { # VERDICT NON2XX
  if [[ ${2:-} =~ ^[0-9]+$ ]] && [ "$2" -gt 0 ]; then
    if [ "$1" = info ]; then echo "info ($2 non-2xx)"; else echo "fail ($2 non-2xx)"; fi
  else
    echo "$1"
  fi
}

row() { # MEASURE VALUE BASELINE RATIO TARGET VERDICT
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@"
}

# Each parse_<name> FILE prints the bench's rows (row above) and fails when a value it
# needs is missing; rows it could read before that are kept.

parse_http() {
  local f=$1 ng ngp k kp kbad p pp pbad r
  IFS=$'\t' read -r ng ngp <<<"$(grab "$f" 'nginx static file[^:]*:\s+([\d.]+) req/s\s+p99\s+([\d.]+) ms')"
  IFS=$'\t' read -r k kp kbad <<<"$(grab "$f" '^GET .*\n\s+nginx.*\n\s+kyb-node:\s+([\d.]+) req/s\s+p99\s+([\d.]+) ms\s+non-2xx (\d+)')"
  need "$ng" "$ngp" "$k" "$kp" || return 1
  r=$(ratio "$k" "$ng")
  row "cached GET /v1/businesses/{id}, req/s" "$(fmt 0 "$k") req/s" "$(fmt 0 "$ng") req/s (nginx, same bytes)" \
    "$r" ">= ${T_HTTP_GET_RATIO}x" "$(non2xx "$(check "$r" ">=" "$T_HTTP_GET_RATIO")" "$kbad")"
  row "cached GET /v1/businesses/{id}, p99" "$kp ms" "$ngp ms (nginx)" "$(ratio "$kp" "$ngp")" \
    "<= $T_HTTP_GET_P99_MS ms" "$(check "$kp" "<=" "$T_HTTP_GET_P99_MS")"
  local st sw
  IFS=$'\t' read -r st sw <<<"$(grab "$f" "stages' p99s sum to ([\\d.]+) ms against the client's p99 ([\\d.]+) ms")"
  if [ -n "$st" ]; then
    row "cached GET, the node's share of the p99 (sum of kyb_http_stage_seconds p99s)" "$st ms" \
      "$sw ms (wrk's p99)" "$(ratio "$st" "$sw")" "-" "info"
  fi
  IFS=$'\t' read -r p pp pbad <<<"$(grab "$f" '^POST /v1/businesses.*\n\s+kyb-node:\s+([\d.]+) req/s\s+p99\s+([\d.]+) ms\s+non-2xx (\d+)')"
  need "$p" "$pp" || return 1
  row "POST /v1/businesses (committed + audit row), req/s" "$(fmt 0 "$p") req/s (p99 $pp ms)" \
    "$(fmt 0 "$k") req/s (cached GET)" "$(ratio "$p" "$k")" "-" "$(non2xx info "$pbad")"
}

parse_slowloris() {
  local f=$1 brps bp99 bbad slow sources arps ap99 abad
  IFS=$'\t' read -r brps bp99 bbad <<<"$(grab "$f" 'without attack:\s+([\d.]+) req/s\s+p99\s+([\d.]+) ms\s+non-2xx (\d+)')"
  IFS=$'\t' read -r slow sources arps ap99 abad <<<"$(grab "$f" 'with (\d+) slowloris \((\d+) addresses\):\s+([\d.]+) req/s\s+p99\s+([\d.]+) ms\s+non-2xx (\d+)')"
  need "$brps" "$bp99" "$arps" "$ap99" || return 1
  row "cached GET p99 during $slow slowloris connections ($sources addresses)" "$ap99 ms" \
    "$bp99 ms (no attack)" "$(ratio "$ap99" "$bp99")" "-" "$(non2xx info "$abad")"
  row "cached GET req/s during the attack" "$(fmt 0 "$arps") req/s" "$(fmt 0 "$brps") req/s (no attack)" \
    "$(ratio "$arps" "$brps")" "-" "$(non2xx info "$bbad")"
}

parse_cluster() {
  local f=$1 rounds worst failed down lr rr
  rounds=$(grep -cE 'round [0-9]+: (ok|FAILED)' "$f" || true)
  worst=$(grep -oE 'served again [0-9.]+ ms' "$f" | awk '$3 > w {w = $3} END {if (NR) print w}')
  failed=$(grep -cE 'round [0-9]+: FAILED' "$f" || true)
  if need "$worst"; then
    local verdict
    verdict=$(check "$worst" "<=" "$T_FAILOVER_MS")
    [ "$failed" -eq 0 ] || verdict="fail ($failed of $rounds rounds failed)"
    row "failover: kill -9 -> shards served again, worst of $rounds" "$worst ms" "-" "-" \
      "<= $T_FAILOVER_MS ms" "$verdict"
  fi
  down=$(grab "$f" 'declared down after (\d+) ms')
  if need "$down"; then
    row "hung node (SIGSTOP) -> declared down" "$down ms" "-" "-" "<= $T_HUNG_MS ms" \
      "$(check "$down" "<=" "$T_HUNG_MS")"
  fi
  lr=$(grab "$f" 'local\s+\(node-1 owns it\): ([\d.]+) req/s')
  rr=$(grab "$f" 'remote \(node-2 owns it\): ([\d.]+) req/s')
  need "$worst" "$down" "$lr" "$rr" || return 1
  local r
  r=$(ratio "$rr" "$lr")
  row "cached GET owned by another node, req/s (leased copy, cluster.read_lease)" \
    "$(fmt 0 "$rr") req/s" "$(fmt 0 "$lr") req/s (owned locally)" \
    "$r" ">= ${T_REMOTE_RATIO}x" "$(check "$r" ">=" "$T_REMOTE_RATIO")"
  # The same read forwarded to the owner every time (a node without read leases).
  local fr
  fr=$(grab "$f" 'remote, every read forwarded[^:]*: ([\d.]+) req/s')
  if need "$fr"; then
    row "cached GET owned by another node, every read forwarded, req/s" \
      "$(fmt 0 "$fr") req/s" "$(fmt 0 "$lr") req/s (owned locally)" "$(ratio "$fr" "$lr")" "-" "info"
  fi
}

parse_actor_memory() {
  local f=$1 n tiny bytes kib rate
  n=$(grab "$f" 'live actors:\s+(\d+) business')
  tiny=$(grab "$f" 'baseline \(smallest actor\):\s+([\d.]+) bytes')
  IFS=$'\t' read -r bytes kib <<<"$(grab "$f" 'business actor \+ directory:\s+([\d.]+) bytes each \(([\d.]+) KiB')"
  need "$n" "$tiny" "$bytes" "$kib" || return 1
  row "activated business actor + directory entry ($n live)" "$bytes B ($kib KiB)" \
    "$tiny B (smallest CAF actor)" "$(ratio "$bytes" "$tiny")" "<= $T_ACTIVATED_KIB KiB" \
    "$(check "$kib" "<=" "$T_ACTIVATED_KIB")"
  rate=$(grab "$f" 'activation rate:\s+([\d.]+) per second')
  need "$rate" || return 1
  row "business actor activations through the directory" "$rate/s" "-" "-" "-" info
}

parse_loaded_memory() {
  local f=$1 n before after bytes kib views
  n=$(grab "$f" 'businesses in PostgreSQL:\s+(\d+)')
  IFS=$'\t' read -r before after <<<"$(grab "$f" 'live actors before/after:\s+(\d+) / (\d+)')"
  IFS=$'\t' read -r bytes kib <<<"$(grab "$f" 'per loaded business actor:\s+(\d+) bytes \(([\d.]+) KiB\)')"
  # Printed only by versions of the bench that keep a bounded number of rendered views.
  views=$(grab "$f" 'rendered views kept:\s+(\d+)')
  need "$n" "$before" "$after" "$bytes" "$kib" || return 1
  row "loaded business actor ($((after - before)) loaded of $n${views:+, $views rendered views kept}), on a node" \
    "$bytes B ($kib KiB)" "-" "-" \
    "<= $T_LOADED_KIB KiB" "$(check "$kib" "<=" "$T_LOADED_KIB")"
}

parse_search() {
  local f=$1 kind tenant query value replaced note out=0
  # One line each: the worst warm query by the statement's p95 and by HTTP p95, and the
  # worst cold one, with the replaced statement's time for the same query.
  while IFS=$'\t' read -r kind tenant query value replaced note; do
    [ -n "$kind" ] || continue
    [ "$note" != - ] || note=""
    case $kind in
      statement | HTTP)
        row "search p95 warm, $tenant businesses a tenant, worst query ('$query'), $kind" "$value ms" \
          "$replaced ms (replaced statement)" "$(ratio "$value" "$replaced")" "<= $T_SEARCH_WARM_MS ms" \
          "$(check "$value" "<=" "$T_SEARCH_WARM_MS")" ;;
      cold)
        row "search cold${note:+ ($note)}, worst query ('$query'), statement" "$value ms" \
          "$replaced ms (replaced statement)" "$(ratio "$value" "$replaced")" "<= $T_SEARCH_COLD_MS ms" \
          "$(check "$value" "<=" "$T_SEARCH_COLD_MS")" ;;
    esac
    out=$((out + 1))
  done <<<"$(py - "$f" <<'PY'
import re, sys
warm, cold, tenant, note, section = [], [], "", "", None
for line in open(sys.argv[1], errors="replace"):
    if line.startswith("warm, tenant of"):
        section, tenant = "warm", re.search(r"of (\d+)", line).group(1)
    elif line.startswith("the small tenant") or line.startswith("worst warm"):
        section = None
    elif line.startswith("cold ("):
        section, note = "cold", "page cache kept" if "page cache kept" in line else ""
    elif section == "warm":
        m = re.match(r"(.+?)\s+\d+\s+[\d.]+/([\d.]+)\s+[\d.]+/([\d.]+)\s+[\d.]+/([\d.]+)\s+[\d.]+x\s*$", line)
        if m:
            warm.append((m.group(1).strip(), float(m.group(2)), float(m.group(3)), float(m.group(4))))
    elif section == "cold":
        m = re.match(r"(.+?)\s+(\d+)\s+(\d+)\s*$", line)
        if m:
            cold.append((m.group(1).strip(), float(m.group(2)), float(m.group(3))))
if warm:
    q = max(warm, key=lambda w: w[2])
    print(f"statement\t{tenant}\t{q[0]}\t{q[2]:g}\t{q[1]:g}\t-")
    q = max(warm, key=lambda w: w[3])
    print(f"HTTP\t{tenant}\t{q[0]}\t{q[3]:g}\t{q[1]:g}\t-")
if cold:
    q = max(cold, key=lambda c: c[2])
    print(f"cold\t-\t{q[0]}\t{q[2]:g}\t{q[1]:g}\t{note or '-'}")
PY
)"
  [ "$out" -eq 3 ]
}

parse_classification() {
  local f=$1 p50 raw rich_p50 rich_p99 load rss
  p50=$(grab "$f" '^\s+p50 ([\d.]+) us, p90 [\d.]+ us, p99 [\d.]+ us \(target')
  raw=$(grab "$f" 'baseline raw_scores\(\).*?p50 ([\d.]+) us')
  need "$p50" "$raw" || return 1
  row "classify() p50 per business, one core" "$p50 us" "$raw us (raw_scores: features + scoring)" \
    "$(ratio "$p50" "$raw")" "<= $T_CLASSIFY_P50_US us" "$(check "$p50" "<=" "$T_CLASSIFY_P50_US")"
  IFS=$'\t' read -r rich_p50 rich_p99 <<<"$(grab "$f" 'full request with website text: p50 ([\d.]+) us, p99 ([\d.]+) us')"
  IFS=$'\t' read -r load rss <<<"$(grab "$f" 'load time: ([\d.]+) ms; RSS delta after load: ([\d.]+) MB')"
  need "$rich_p50" "$rich_p99" "$load" "$rss" || return 1
  row "classify() p50 of a request with website text" "$rich_p50 us (p99 $rich_p99 us)" \
    "$raw us (raw_scores)" "$(ratio "$rich_p50" "$raw")" "-" info
  row "model load" "$load ms, +$rss MB RSS" "-" "-" "-" info
}

# A wrk table's row against the table's baseline row: "req/s p50 p99 x-base non-2xx".
wrk_row() { # FILE LABEL MEASURE BASE_RPS TARGET_RATIO|-
  local rps p50 p99 bad r verdict target="-"
  IFS=$'\t' read -r rps p50 p99 _ bad <<<"$(numbers_after "$1" "$2")"
  need "$rps" "$p50" "$p99" || return 1
  r=$(ratio "$rps" "$4")
  verdict=info
  if [ "$5" != - ]; then
    target=">= ${5}x"
    verdict=$(check "$r" ">=" "$5")
  fi
  row "$3" "$(fmt 0 "$rps") req/s (p99 $p99 ms)" "$(fmt 0 "$4") req/s (cached GET)" "$r" "$target" \
    "$(non2xx "$verdict" "$bad")"
}

# The baseline of a wrk table: GET /v1/businesses/{id}, answered from the actor's memory.
wrk_base() { # FILE
  local rps
  IFS=$'\t' read -r rps _ <<<"$(numbers_after "$1" 'GET /v1/businesses/{id} (baseline')"
  need "$rps" && echo "$rps"
}

parse_classification_http() {
  local f=$1 base
  base=$(wrk_base "$f") || return 1
  wrk_row "$f" 'POST /v1/businesses/{id}/classify (business actor cache)' \
    "POST .../classify, from the business actor's cache" "$base" "$T_CLASSIFY_CACHED" || return 1
  wrk_row "$f" 'POST /v1/classifications, same body (prediction cache)' \
    "POST /v1/classifications, prediction cache" "$base" - || return 1
  wrk_row "$f" 'POST /v1/classifications, new body each (inference)' \
    "POST /v1/classifications, inference each" "$base" "$T_CLASSIFY_INFERENCE" || return 1
  wrk_row "$f" 'POST /v1/businesses/{id}/classify, fresh (stored rows)' \
    "POST .../classify, fresh businesses (rows stored)" "$base" -
}

parse_screening() {
  local f=$1 load_med load_min same total idx_p50 brute_p50 speedup
  IFS=$'\t' read -r load_med load_min <<<"$(grab "$f" 'load \+ index OFAC \+ UN: median ([\d.]+) ms, min ([\d.]+) ms')"
  if need "$load_med" "$load_min"; then
    row "load + index OFAC + UN, median" "$load_med ms (min $load_min)" "-" "-" "<= $T_SCREEN_LOAD_MS ms" \
      "$(check "$load_med" "<=" "$T_SCREEN_LOAD_MS")"
  fi
  IFS=$'\t' read -r same total <<<"$(grab "$f" 'same hits \(entity and score\) from index and brute force: (\d+) of (\d+)')"
  idx_p50=$(grab "$f" '^index:\s+p50 ([\d.]+) us')
  brute_p50=$(grab "$f" '^brute force:\s+p50 ([\d.]+) us')
  speedup=$(grab "$f" 'speed-up \(total brute-force time / total index time\): ([\d.]+)x')
  need "$load_med" "$same" "$total" "$idx_p50" "$brute_p50" "$speedup" || return 1
  row "screening p50 per name, index" "$idx_p50 us" "$brute_p50 us (brute force)" \
    "$(ratio "$idx_p50" "$brute_p50")" "<= $T_SCREEN_P50_US us" "$(check "$idx_p50" "<=" "$T_SCREEN_P50_US")"
  row "speed-up, total brute-force time / index time" "${speedup}x" "-" "-" ">= ${T_SCREEN_SPEEDUP}x" \
    "$(check "$speedup" ">=" "$T_SCREEN_SPEEDUP")"
  row "same hits from index and brute force" "$same of $total names" "-" "-" "all" \
    "$([ "$same" = "$total" ] && echo pass || echo fail)"
}

parse_import() {
  local f=$1 n copy_s copy_rps imp_s imp_rps status written failed state r verdict
  n=$(grab "$f" '^(\d+) businesses \(\+1 owner each\)')
  IFS=$'\t' read -r copy_s copy_rps <<<"$(grab "$f" 'raw COPY \(psql \\copy\):\s+([\d.]+) s\s+([\d.]+) rows/s')"
  IFS=$'\t' read -r imp_s imp_rps status <<<"$(grab "$f" 'POST /v1/businesses/bulk:\s+([\d.]+) s\s+([\d.]+) rows/s\s+HTTP (\d+)')"
  IFS=$'\t' read -r written failed state <<<"$(grab "$f" 'job: written (\S+), failed (\S+), status (\w+)')"
  need "$n" "$copy_rps" "$imp_rps" "$status" || return 1
  r=$(ratio "$imp_rps" "$copy_rps")
  verdict=$(check "$r" ">=" "$T_IMPORT_RATIO")
  if [ "$status" != 202 ] || [ "$written" != "$n" ] || [ "$state" != completed ]; then
    verdict="fail (HTTP $status, job $state, $written written, $failed failed)"
  fi
  row "bulk import of $n businesses (NDJSON), rows/s" "$(fmt 0 "$imp_rps") rows/s ($imp_s s)" \
    "$(fmt 0 "$copy_rps") rows/s (psql \\copy, $copy_s s)" "$r" ">= ${T_IMPORT_RATIO}x" "$verdict"
}

parse_risk_trends() {
  local f=$1 base assessments label measure p50 p95
  IFS=$'\t' read -r base _ <<<"$(numbers_after "$f" 'baseline GET /v1/businesses/{id} (cached)')"
  assessments=$(grab "$f" '^summary: \d+ months, (\d+) assessments')
  need "$base" "$assessments" || return 1
  for label in "trends first page + 12-month summary" "trends next page, 100 businesses" "trends of one business"; do
    IFS=$'\t' read -r p50 p95 _ <<<"$(numbers_after "$f" "$label")"
    need "$p50" "$p95" || return 1
    measure="GET /v1/risk/$label, p50"
    [[ $label == *summary* ]] && measure="$measure ($assessments assessments in 12 months)"
    row "$measure" "$p50 ms (p95 $p95)" "$base ms (cached GET)" "$(ratio "$p50" "$base")" "-" info
  done
}

parse_risk_http() {
  local f=$1 base
  base=$(wrk_base "$f") || return 1
  wrk_row "$f" 'POST .../risk-assessments, inputs cached' \
    "POST .../risk-assessments, inputs cached" "$base" "$T_RISK_CACHED" || return 1
  wrk_row "$f" 'POST .../risk-assessments, round robin' \
    "POST .../risk-assessments, round robin (first ones stored)" "$base" -
}

parse_website() {
  local f=$1 base
  base=$(wrk_base "$f") || return 1
  wrk_row "$f" 'POST .../website-analysis refresh (fetch' \
    "POST .../website-analysis refresh (fetch, analyse, store)" "$base" - || return 1
  wrk_row "$f" 'POST .../website-analysis (7-day cache' \
    "POST .../website-analysis from the 7-day cache" "$base" - || return 1
  wrk_row "$f" 'GET .../website-analysis (latest' "GET .../website-analysis (stored row)" "$base" -
}

parse_verification() {
  local f=$1 base label measure rate p50 p99 lost
  base=$(wrk_base "$f") || return 1
  for label in "verifications end to end, first" "verifications end to end, again"; do
    IFS=$'\t' read -r rate p50 p99 _ <<<"$(numbers_after "$f" "$label")"
    need "$rate" "$p50" "$p99" || return 1
    measure="$label$([[ $label == *first* ]] && echo " (every step computes)" || echo " (steps cached)")"
    row "$measure" "$rate/s (p50 $p50 ms, p99 $p99 ms)" "$(fmt 0 "$base") req/s (cached GET)" \
      "$(ratio "$rate" "$base")" "-" info
  done
  IFS=$'\t' read -r rate _ <<<"$(numbers_after "$f" "webhook deliveries (")"
  lost=$(grab "$f" 'not delivered: (\d+)')
  need "$rate" "$lost" || return 1
  row "webhook deliveries, outbox to delivered" "$rate/s" "$(fmt 0 "$base") req/s (cached GET)" \
    "$(ratio "$rate" "$base")" "-" "$([ "$lost" = 0 ] && echo info || echo "info ($lost not delivered)")"
}

parse_regions() {
  local f=$1 rate ack99 sync_ack99 i region p99 missing verdict kill detect fo_ok total
  rate=$(grab "$f" '^\s+writes: \d+ acknowledged \((\d+)/s')
  ack99=$(grab "$f" 'write acknowledgement \(baseline\): p50 [\d.]+ ms, p99 ([\d.]+) ms' 1)
  need "$rate" "$ack99" || return 1
  for i in 1 2; do
    IFS=$'\t' read -r region p99 missing <<<"$(grab "$f" 'lag to (\S+)\s+p50 [\d.]+ ms, p99 ([\d.]+) ms, max [\d.]+ ms \(\d+ seen, (\d+) not within' "$i")"
    need "$p99" "$missing" || return 1
    verdict=$(check "$p99" "<=" "$T_LAG_P99_MS")
    [ "$missing" = 0 ] || verdict="fail ($missing writes not seen within 30 s)"
    row "replication lag p99 to $region, $rate writes/s" "$p99 ms" "$ack99 ms (write ack p99)" \
      "$(ratio "$p99" "$ack99")" "<= $T_LAG_P99_MS ms" "$verdict"
  done
  sync_ack99=$(grab "$f" 'write acknowledgement \(baseline\): p50 [\d.]+ ms, p99 ([\d.]+) ms' 2)
  need "$sync_ack99" || return 1
  row "write ack p99, regions.synchronous = businesses" "$sync_ack99 ms" "$ack99 ms (asynchronous)" \
    "$(ratio "$sync_ack99" "$ack99")" "-" info
  kill=$(grab "$f" 'kill -> first write accepted through \S+: (\d+) ms')
  detect=$(grab "$f" 'detection budget .*?: (\d+) ms;')
  fo_ok=$(grab "$f" 'failover of \S+: (\w+) in \d+ ms')
  need "$kill" "$detect" || return 1
  verdict=$(check "$kill" "<=" "$T_WRITABLE_MS")
  [ "$fo_ok" = ok ] || verdict="fail (failover: ${fo_ok:-no report})"
  row "region PostgreSQL killed -> first write accepted" "$kill ms" "$detect ms (detection budget)" \
    "$(ratio "$kill" "$detect")" "<= $T_WRITABLE_MS ms" "$verdict"
  total=$(grab "$f" '^\s+total\s+([\d.]+) ms' -1)
  need "$total" || return 1
  row "failback to the first region, total" "$total ms" "-" "-" "-" info
}

parse_cache() {
  local f=$1 n i budget rps p99 hit ideal what target verdict
  n=$(grab "$f" 'Zipf\(s=[\d.]+\) over (\d+) classified businesses')
  need "$n" || return 1
  for i in 1 2; do
    IFS=$'\t' read -r budget rps p99 hit ideal <<<"$(grab "$f" '^\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+\d+\s+\d+\s+\d+\s*$' "$i")"
    need "$budget" "$hit" "$ideal" || return 1
    if [ "$budget" -ge "$n" ]; then
      what="room for all"; target=">= $T_CACHE_HIT"; verdict=$(check "$hit" ">=" "$T_CACHE_HIT")
    else
      what="room for $(ratio "$budget" "$n") of them"; target="-"; verdict=info
    fi
    row "cache hit rate, Zipf over $n businesses, node budget $budget ($what)" "$hit ($(fmt 0 "$rps") req/s)" \
      "$ideal (ideal: the hottest $budget cached)" "$(ratio "$hit" "$ideal")" "$target" "$verdict"
  done
}

parse_persistence() {
  local f=$1 base actor batch piped copy
  base=$(grab "$f" 'autocommit INSERT, blocking libpq, 1 per round trip\s+([\d.]+) rows/s')
  actor=$(grab "$f" 'autocommit INSERT, connection actor, 1 batch at a time\s+([\d.]+) rows/s')
  IFS=$'\t' read -r batch piped <<<"$(grab "$f" '(pipelined batches of \d+, \d+ connection\(s\))\s+([\d.]+) rows/s')"
  copy=$(grab "$f" 'COPY FROM STDIN \(pg_copy, 1 MiB chunks\)\s+([\d.]+) rows/s')
  need "$base" "$actor" "$piped" "$copy" || return 1
  local baseline
  baseline="$(fmt 0 "$base") rows/s (autocommit INSERT, libpq)"
  row "autocommit INSERT through a connection actor" "$(fmt 0 "$actor") rows/s" "$baseline" "$(ratio "$actor" "$base")" "-" info
  row "$batch" "$(fmt 0 "$piped") rows/s" "$baseline" "$(ratio "$piped" "$base")" "-" info
  row "COPY FROM STDIN (pg_copy)" "$(fmt 0 "$copy") rows/s" "$baseline" "$(ratio "$copy" "$base")" "-" info
}

parse_net() {
  local f=$1 base label ns
  base=$(grab "$f" '^baseline: copy request and response bytes\s+([\d.]+)')
  need "$base" || return 1
  # Each case's name as a regular expression, alone before its two numbers ("decode +
  # encode GET" begins another case's name too).
  for label in 'decode \+ encode GET' 'decode \+ encode GET, 16 pipelined per read' \
    'decode \+ JSON parse \+ encode POST'; do
    ns=$(grab "$f" "^$label"'\s+([\d.]+)\s+[\d.]+\s*$')
    need "$ns" || return 1
    row "HTTP codec: ${label//\\/}, per request" "$ns ns" "$base ns (copying the bytes)" \
      "$(ratio "$ns" "$base")" "-" info
  done
}

# ---------------------------------------------------------------------------------------
# Running

BENCH=""  # the bench running (its subshell sets it)
QUICK=0
INTERRUPTED=0

# Runs CMD... with the bench's arguments appended: KYB_RUN_ALL_<NAME>_ARGS when set, else
# FULL, or QUICK with --quick (split on blanks). The first line of the output names it.
launch() { # FULL QUICK CMD...
  local full=$1 quick=$2 var extra
  shift 2
  var="KYB_RUN_ALL_$(tr 'a-z-' 'A-Z_' <<<"$BENCH")_ARGS"
  if [ -n "${!var:-}" ]; then extra=${!var}; elif [ "$QUICK" = 1 ]; then extra=$quick; else extra=$full; fi
  local -a args=()
  read -ra args <<<"$extra"
  echo "== run-all: $BENCH, $(date -u '+%F %T') UTC: ${*#"$ROOT/"} ${args[*]}"
  "$@" ${args[@]+"${args[@]}"}
}

built() { # PATH in the build tree -> its full path, if it was built
  local bin="$KYB_BENCH_BUILD/$1"
  [ -x "$bin" ] || { echo "not built: $bin (KYB_BENCH_BUILD=$KYB_BENCH_BUILD)" >&2; return 1; }
  echo "$bin"
}

# bench/risk/run.sh and persistence_pg_bench are given a PostgreSQL (and Redis) instead of
# starting their own. Unless KYB_BENCH_DATABASE_URL names one, they get the bench
# profile's services, started here as the node benches start them and stopped after
# (the bench runs in a subshell: the trap is its own).
with_bench_services() { # CMD...
  if [ -n "${KYB_BENCH_DATABASE_URL:-}" ]; then
    "$@"
    return
  fi
  local env
  env=$("$ROOT/deploy/local/kyb" services start bench 2>/dev/null)
  trap '"$ROOT/deploy/local/kyb" services stop bench >/dev/null 2>&1 || true' EXIT
  eval "$env"
  export KYB_BENCH_DATABASE_URL="$KYB_DATABASE_URL" KYB_BENCH_REDIS_URL="$KYB_REDIS_URL"
  "$@"
}

# One run_<name> per bench: its command and its arguments, full and --quick. The full
# ones keep the whole run under about 45 minutes on 2 cores; a bench's README says what
# its default sizes measure.

run_http() { launch "10 64" "5 64" "$ROOT/bench/http/run.sh"; }
run_slowloris() { launch "10 64 1000" "5 64 1000" "$ROOT/bench/http/slowloris.sh"; }
run_cluster() { launch "8" "4" "$ROOT/bench/cluster/run.sh"; }
run_actor_memory() {
  local bin
  bin=$(built bench/runtime/actor_memory_bench)
  launch "1000000" "200000" "$bin"
}
run_loaded_memory() { launch "100000" "20000" "$ROOT/bench/runtime/loaded_memory.sh"; }
# A million businesses in the searched tenant as the target says, two tenants in the
# table instead of the script's five: loading and indexing the other three would take
# about as long as every other bench together.
run_search() { launch "1000000 2" "100000 2" "$ROOT/bench/search/run.sh"; }
run_classification() {
  local bin pin=()
  bin=$(built bench/classification/classification-bench)
  # One core, the last: the bench measures per core (as its README runs it).
  command -v taskset >/dev/null && pin=(taskset -c "$(($(nproc) - 1))")
  launch "3" "1" ${pin[@]+"${pin[@]}"} "$bin" "$ROOT/actors/classification/model/kyb_industry.model" \
    "$ROOT/test/data/labeled/nsi_brands_mcc_dev.csv"
}
run_classification_http() {
  launch "10 64" "5 64" env KYB_BENCH_FRESH="${KYB_BENCH_FRESH:-$([ "$QUICK" = 1 ] && echo 2000 || echo 5000)}" \
    "$ROOT/bench/classification/http_run.sh"
}
run_screening() {
  local bin
  bin=$(built bench/screening/screening_bench)
  launch "--negatives 1000 --repeat 3" "--negatives 200 --load-runs 3" "$bin"
}
run_import() { launch "1000000" "100000" "$ROOT/bench/import/run.sh"; }
run_risk_trends() { with_bench_services launch "1000000 10000" "200000 2000" "$ROOT/bench/risk/run.sh"; }
run_risk_http() {
  launch "10 64" "5 64" env KYB_BENCH_FRESH="${KYB_BENCH_FRESH:-$([ "$QUICK" = 1 ] && echo 1000 || echo 3000)}" \
    "$ROOT/bench/risk/http_run.sh"
}
run_website() { launch "10 64" "5 64" "$ROOT/bench/website/run.sh"; }
run_verification() { launch "10 64 16 2000" "5 64 16 500" "$ROOT/bench/verification/run.sh"; }
run_regions() { launch "1000 20" "1000 8" "$ROOT/bench/regions/run.sh"; }
run_cache() { launch "5000 10 1.0" "2000 5 1.0" "$ROOT/bench/cache/zipf_run.sh"; }
run_persistence() {
  local bin
  bin=$(built bench/persistence/persistence_pg_bench)
  with_bench_services launch "--single 5000 --pipelined 200000 --copy 1000000" \
    "--single 2000 --pipelined 50000 --copy 200000" "$bin"
}
run_net() {
  local bin
  bin=$(built bench/net/http_codec_bench)
  launch "" "" "$bin"
}

# The build targets a bench runs.
targets_of() { # NAME
  case $1 in
    cluster) echo kyb-node kybctl ;;
    search | risk-trends) echo kyb-node statement_sql ;;
    regions) echo kyb-node kybctl replication_lag_bench ;;
    actor-memory) echo actor_memory_bench ;;
    classification) echo classification-bench ;;
    screening) echo screening_bench ;;
    persistence) echo persistence_pg_bench ;;
    net) echo http_codec_bench ;;
    *) echo kyb-node ;;
  esac
}

# Builds every target the selected benches run, once, through node.sh's bench_build (the
# Release tree, unless KYB_BENCH_BUILD names a tree to use as it is), then points
# KYB_BENCH_BUILD at the tree so that no bench configures or builds again.
build_all() {
  local tree=${KYB_BENCH_BUILD:-$ROOT/build} name
  local -a targets=() t
  for name in "${SELECTED[@]}"; do
    read -ra t <<<"$(targets_of "$name")"
    targets+=("${t[@]}")
  done
  mapfile -t targets < <(printf '%s\n' "${targets[@]}" | sort -u)
  if [ -n "${KYB_BENCH_BUILD:-}" ]; then
    echo "using $tree as it is (KYB_BENCH_BUILD): ${targets[*]}" >&2
  else
    echo "building ${targets[*]} (Release, $tree; log $DIR/build.txt)..." >&2
  fi
  # In a subshell: node.sh also installs a bench's exit handling, whose service stop is
  # not wanted here (the benches start and stop the services they use). cleanup.sh,
  # which node.sh sources, reads BENCH_EXIT_COMMANDS.
  # shellcheck disable=SC1091,SC2034
  if ! (
    source "$ROOT/bench/lib/node.sh"
    BENCH_EXIT_COMMANDS=()
    bench_build "${targets[@]}"
  ) >"$DIR/build.txt" 2>&1; then
    echo "the build failed; the end of $DIR/build.txt:" >&2
    tail -n 30 "$DIR/build.txt" >&2
    exit 1
  fi
  KYB_BENCH_BUILD=$(cd "$tree" && pwd)
  export KYB_BENCH_BUILD
}

# Runs one bench into DIR/<name>.txt, its exit status and time on the file's last line
# (where table_rows reads it). Returns 0: call it plainly, since errexit is off in
# anything called from a condition or an || list, and the bench needs it.
run_one() { # NAME
  local name=$1 file="$DIR/$1.txt" t0=$SECONDS rc=0
  echo "[$(date -u +%H:%M:%S)] $name: running (output: ${file#"$ROOT/"})" >&2
  # Not "( ... ) || rc=$?", for the same reason: a run_<name> would go on past a failed
  # step.
  set +e
  (
    set -e
    BENCH=$name
    "run_${name//-/_}"
  ) >"$file" 2>&1 </dev/null
  rc=$?
  set -e
  echo "== run-all: $name exited $rc after $((SECONDS - t0)) s" >>"$file"
  if [ "$rc" -eq 0 ]; then
    echo "[$(date -u +%H:%M:%S)] $name: done in $((SECONDS - t0)) s" >&2
  else
    echo "[$(date -u +%H:%M:%S)] $name: FAILED (exit $rc) after $((SECONDS - t0)) s" >&2
  fi
}

# ---------------------------------------------------------------------------------------
# The table

FAILED=()

in_bench() { awk -v name="$1" '{print name "\t" $0}'; } # NAME: rows on stdin -> table rows

# Appends NAME's rows (bench name first) to ROWS, from DIR/<name>.txt; a bench that did
# not exit 0, or whose output has not the values its parser needs, gets a failed row.
table_rows() { # NAME
  local name=$1 file="$DIR/$1.txt" rc rows prc=0
  rc=$(grab "$file" "^== run-all: $name exited (\\d+) after" -1)
  rows=$("parse_${name//-/_}" "$file" 2>/dev/null) || prc=$?
  [ -z "$rows" ] || printf '%s\n' "$rows" | in_bench "$name" >>"$ROWS"
  if [ -n "$rc" ] && [ "$rc" != 0 ]; then
    row "exit status $rc" "failed (see ${file#"$ROOT/"})" - - - fail | in_bench "$name" >>"$ROWS"
    FAILED+=("$name")
  elif [ "$prc" != 0 ] || [ -z "$rows" ]; then
    row "output not read" "failed (see ${file#"$ROOT/"})" - - - fail | in_bench "$name" >>"$ROWS"
    FAILED+=("$name")
  fi
}

# ROWS as a markdown table, each column padded to its widest cell.
print_table() {
  awk -F'\t' '
    BEGIN { OFS = "" }
    { for (i = 1; i <= NF; i++) { gsub(/\|/, "/", $i); cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } }
    END {
      split("bench|measure|value|baseline|ratio|target|pass/fail", h, "|")
      for (i = 1; i <= 7; i++) if (length(h[i]) > w[i]) w[i] = length(h[i])
      line = "|"; sep = "|"
      for (i = 1; i <= 7; i++) { line = line " " sprintf("%-" w[i] "s", h[i]) " |"; sep = sep sprintf("%s", dashes(w[i] + 2)) "|" }
      print line; print sep
      for (r = 1; r <= NR; r++) {
        line = "|"
        for (i = 1; i <= 7; i++) line = line " " sprintf("%-" w[i] "s", cell[r, i]) " |"
        print line
      }
    }
    function dashes(n,   s) { s = ""; while (n-- > 0) s = s "-"; return s }' "$ROWS"
}

machine() { # START: date and load average
  local mem
  mem=$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
  echo "started:  $1"
  echo "finished: $(date -u '+%F %T') UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "machine:  $(nproc) CPUs (nproc), $(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo), $mem memory"
  echo "commit:   $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(
    [ -z "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ] || echo " with uncommitted changes")"
  local tree=${KYB_BENCH_BUILD:-$ROOT/build} type
  type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$tree/CMakeCache.txt" 2>/dev/null || true)
  echo "build:    $tree${type:+ ($type)}"
  echo "mode:     $([ "$QUICK" = 1 ] && echo "--quick" || echo full)${ONLY:+, --only $ONLY}"
}

# ---------------------------------------------------------------------------------------

main() {
  local parse_dir="" name
  ONLY=""
  while [ $# -gt 0 ]; do
    case $1 in
      --quick) QUICK=1 ;;
      --only) ONLY=${2:?--only needs NAME[,NAME...]}; shift ;;
      --only=*) ONLY=${1#*=} ;;
      --parse-only) parse_dir=${2:?--parse-only needs a directory}; shift ;;
      --parse-only=*) parse_dir=${1#*=} ;;
      -h | --help) usage; exit 0 ;;
      *) usage >&2; exit 2 ;;
    esac
    shift
  done
  SELECTED=()
  if [ -n "$ONLY" ]; then
    for name in ${ONLY//,/ }; do
      [[ " ${BENCHES[*]} " == *" $name "* ]] || { echo "unknown bench '$name'" >&2; usage >&2; exit 2; }
    done
    for name in "${BENCHES[@]}"; do
      if [[ ",$ONLY," == *",$name,"* ]]; then SELECTED+=("$name"); fi
    done
  else
    SELECTED=("${BENCHES[@]}")
  fi

  ROWS=$(mktemp)
  trap 'rm -f "$ROWS"' EXIT
  if [ -n "$parse_dir" ]; then
    [ -d "$parse_dir" ] || { echo "no directory $parse_dir" >&2; exit 2; }
    DIR=$(cd "$parse_dir" && pwd)
    for name in "${SELECTED[@]}"; do
      if [ -f "$DIR/$name.txt" ]; then table_rows "$name"; fi
    done
    [ -s "$ROWS" ] || { echo "no bench outputs (<name>.txt) in $DIR" >&2; exit 1; }
    print_table
    echo
    if [ -f "$DIR/machine.txt" ]; then cat "$DIR/machine.txt"; else echo "($DIR has no machine.txt)"; fi
    [ ${#FAILED[@]} -eq 0 ] || exit 1
    return 0
  fi

  DIR=${KYB_RUN_ALL_OUT:-$ROOT/bench/out/run-all}
  mkdir -p "$DIR"
  DIR=$(cd "$DIR" && pwd)
  # A full run replaces the previous one; --only replaces only its benches' files.
  [ -n "$ONLY" ] || rm -f "$DIR"/*.txt "$DIR/table.md"
  local started
  started="$(date -u '+%F %T') UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  build_all
  # Ctrl-C stops the bench running (it cleans up after itself) and then the run, with the
  # table of what ran.
  trap 'INTERRUPTED=1' INT
  for name in "${SELECTED[@]}"; do
    run_one "$name"
    table_rows "$name"
    [ "$INTERRUPTED" = 0 ] || break
  done
  trap - INT
  machine "$started" >"$DIR/machine.txt"
  {
    print_table
    echo
    cat "$DIR/machine.txt"
  } | tee "$DIR/table.md"
  [ "$INTERRUPTED" = 0 ] || exit 130
  [ ${#FAILED[@]} -eq 0 ] || { echo "failed: ${FAILED[*]}" >&2; exit 1; }
}

main "$@"
