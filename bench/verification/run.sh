#!/usr/bin/env bash
# Verifications and webhook deliveries through the HTTP API, against a baseline measured
# in the same run (machines are noisy: the ratios are what to compare). One node
# (Release), a loopback web server (python3 on 127.0.0.1) serving the real pages of
# test/data/website/pages, one business per page (website.max_pages 0), the shipped
# classification model, a sanctions list, and a loopback webhook receiver answering 200:
#   0. baseline: GET /v1/businesses/{id} with wrk, a business actor answering from memory;
#   1. verifications end to end: POST /v1/businesses/{id}/verifications (website,
#      classification, screening, risk; the registry step is left out: no registry
#      answers on loopback), CONC at a time, each polled until completed; first round
#      every business's first verification (every step computes: fetch, analyse,
#      classify, screen, assess), second round again (the steps' caches answer);
#   2. webhook deliveries: DELIVERIES verification.completed events written to the
#      outbox at once, timed from the insert until every delivery is delivered (fan-out,
#      claim, sign, POST, record) to the receiver.
# Each phase is checked: every verification completed with a verdict, every delivery
# delivered and received.
#
#   bench/verification/run.sh [seconds=10] [connections=64] [concurrency=16] [deliveries=2000]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SECS=${1:-10}
CONNS=${2:-64}
CONC=${3:-16}
DELIVERIES=${4:-2000}
OUT="$ROOT/bench/out/verification"
PORT=18600
SITE_PORT=18601
HOOK_PORT=18602
PAGES="$ROOT/test/data/website/pages"
source "$ROOT/bench/lib/node.sh"

mkdir -p "$OUT"
printf 'id,name,type,countries\nW-1,Orion Shipping Holdings,entity,PA\n' >"$OUT/watch.csv"
export KYB_CLASSIFICATION_MODEL_PATH="$ROOT/actors/classification/model/kyb_industry.model"
export KYB_SCREENING_GENERIC_DIR="$OUT"
export KYB_OUTBOUND_ALLOW_PRIVATE=true KYB_OUTBOUND_ALLOWED_PORTS="80,443,$SITE_PORT,$HOOK_PORT"
export KYB_OUTBOUND_PER_HOST_CONCURRENCY=${KYB_OUTBOUND_PER_HOST_CONCURRENCY:-64}
export KYB_WEBSITE_MAX_PAGES=0
export KYB_WEBHOOKS_ALLOW_HTTP=true KYB_WEBHOOKS_POLL_INTERVAL=50ms
export KYB_WEBHOOKS_MAX_IN_FLIGHT=${KYB_WEBHOOKS_MAX_IN_FLIGHT:-64}

# The web server and the receiver: loopback only, deep backlogs.
python3 - "$SITE_PORT" "$PAGES" "$HOOK_PORT" >"$OUT/servers.log" 2>&1 <<'PY' &
import functools, http.server, sys, threading
class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 1024
    daemon_threads = True
site = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[2])
count = [0]
lock = threading.Lock()
class Hook(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def reply(self, body):
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with lock: count[0] += 1
        self.reply(b"{}")
    def do_GET(self):
        with lock: n = count[0]
        self.reply(str(n).encode())
threading.Thread(target=Server(("127.0.0.1", int(sys.argv[3])), Hook).serve_forever, daemon=True).start()
print("serving", flush=True)
Server(("127.0.0.1", int(sys.argv[1])), site).serve_forever()
PY
bench_track $!
SITE="http://127.0.0.1:$SITE_PORT"
HOOK="http://127.0.0.1:$HOOK_PORT"
for _ in $(seq 1 100); do
  curl -sf -o /dev/null "$SITE/" && curl -sf -o /dev/null "$HOOK/" && break
  sleep 0.1
done

bench_node_start
TENANT=$(psql -Atq "$KYB_DATABASE_URL" -c "SELECT id FROM tenants WHERE name = 'bench'")
ADMIN=$(curl -sf -X POST "$API/v1/tenants/$TENANT/api-keys" -H "Authorization: Bearer $OP" \
  -H 'Content-Type: application/json' -d '{"scopes":["read","write","admin"]}' | json '["key"]')
curl -sf -X POST "$API/v1/webhook-endpoints" -H "Authorization: Bearer $ADMIN" \
  -H 'Content-Type: application/json' \
  -d "{\"url\":\"$HOOK/hook\",\"events\":[\"verification.completed\"]}" >/dev/null

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

cat >"$OUT/get.lua" <<LUA
local ids = {}
for line in io.lines("$OUT/ids.txt") do ids[#ids + 1] = line end
local n = 0
wrk.headers["Authorization"] = "Bearer $KEY"
request = function()
  n = n + 1
  return wrk.format("GET", "/v1/businesses/" .. ids[(n % #ids) + 1])
end
LUA
echo "warming up..."
wrk -t2 -c"$CONNS" -d2s -s "$OUT/get.lua" "$API/" >/dev/null
read -r G_RPS G_P50 G_P99 G_BAD < <(run_wrk "$API/" -s "$OUT/get.lua")

# verify ROUND: every business verified once, CONC at a time; prints "per_second p50 p99"
verify() {
  KEY=$KEY python3 - "$API" "$CONC" "$OUT/ids.txt" "$1" <<'PY'
import concurrent.futures, json, os, sys, time, urllib.request
api, conc, ids_file, round_name = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ids = open(ids_file).read().split()
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
h = {"Authorization": "Bearer " + os.environ["KEY"], "Content-Type": "application/json"}
def call(method, path, body=None):
    req = urllib.request.Request(api + path, method=method, headers=h,
                                 data=body.encode() if body else None)
    with opener.open(req, timeout=120) as r:
        return r.status, json.loads(r.read())
def one(i):
    t0 = time.monotonic()
    code, v = call("POST", f"/v1/businesses/{i}/verifications",
                   '{"checks": ["website", "classification", "screening", "risk"]}')
    assert code == 202, (code, v)
    while v["status"] not in ("completed", "cancelled"):
        time.sleep(0.01)
        _, v = call("GET", f"/v1/verifications/{v['id']}")
    assert v["status"] == "completed" and v["verdict"], v
    failed = [s["step"] for s in v["steps"] if s["status"] == "failed"]
    assert not failed, (i, failed, v)
    return time.monotonic() - t0
t0 = time.monotonic()
with concurrent.futures.ThreadPoolExecutor(conc) as pool:
    lat = sorted(pool.map(one, ids))
wall = time.monotonic() - t0
print(f"{len(ids) / wall:.2f} {lat[len(lat) // 2] * 1000:.1f} {lat[int(len(lat) * 0.99)] * 1000:.1f}")
PY
}
echo "verifications, first round (every step computes)..."
read -r V1_RPS V1_P50 V1_P99 < <(verify first)
echo "verifications, second round (the steps' caches answer)..."
read -r V2_RPS V2_P50 V2_P99 < <(verify second)
VERDICTS=$(psql -Atq "$KYB_DATABASE_URL" -c "SELECT string_agg(verdict || ' ' || n, ', ') FROM (SELECT verdict, count(*) n FROM verifications GROUP BY verdict ORDER BY verdict) v")

# Webhook deliveries: wait for the verifications' events, then DELIVERIES more at once.
wait_delivered() { # TOTAL -> seconds waited
  python3 - "$KYB_DATABASE_URL" "$1" <<'PY'
import subprocess, sys, time
url, total = sys.argv[1], int(sys.argv[2])
t0 = time.monotonic()
while True:
    n = int(subprocess.check_output(["psql", "-Atq", url, "-c",
        "SELECT count(*) FROM webhook_deliveries WHERE status = 'delivered'"]).strip())
    if n >= total:
        break
    if time.monotonic() - t0 > 600:
        sys.exit(f"only {n} of {total} deliveries delivered after 600 s")
    time.sleep(0.05)
print(f"{time.monotonic() - t0:.3f}")
PY
}
EVENTS=$(psql -Atq "$KYB_DATABASE_URL" -c "SELECT count(*) FROM outbox_events WHERE event_type = 'verification.completed'")
wait_delivered "$EVENTS" >/dev/null
BUSINESS=$(head -n 1 "$OUT/ids.txt")
echo "webhook deliveries: $DELIVERIES events at once..."
T0=$(date +%s.%N)
psql -Atq "$KYB_DATABASE_URL" -c "INSERT INTO outbox_events (id, tenant_id, region, event_type, subject_type, subject_id, payload, created_at) SELECT gen_random_uuid(), '$TENANT', 'us', 'verification.completed', 'business', ('00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, jsonb_build_object('verification_id', gen_random_uuid(), 'business_id', '$BUSINESS', 'verdict', 'pass', 'reasons', '[]'::jsonb), clock_timestamp() FROM generate_series(1, $DELIVERIES) g"
SECS_DELIVERED=$(wait_delivered "$((EVENTS + DELIVERIES))")
RECEIVED=$(curl -sf "$HOOK/")
FAILED=$(psql -Atq "$KYB_DATABASE_URL" -c "SELECT count(*) FROM webhook_deliveries WHERE status <> 'delivered'")

python3 - "$CONNS" "$CONC" "$N" "$G_RPS" "$G_P50" "$G_P99" "$G_BAD" \
  "$V1_RPS" "$V1_P50" "$V1_P99" "$V2_RPS" "$V2_P50" "$V2_P99" "$VERDICTS" \
  "$DELIVERIES" "$SECS_DELIVERED" "$RECEIVED" "$FAILED" "$EVENTS" <<'PY'
import sys
a = sys.argv[1:]
base = float(a[3])
d_rate = int(a[14]) / float(a[15])
print(f"\none node (2 HTTP workers), Release; {a[2]} businesses (one real page each)")
print(f"  {'':62} {'per s':>9} {'p50 ms':>8} {'p99 ms':>8} {'x base':>8}")
print(f"  {'GET /v1/businesses/{id} (baseline: wrk -c' + a[0] + ', from memory)':62} {base:9.0f} {float(a[4]):8.2f} {float(a[5]):8.2f} {1:8.4f}")
print(f"  {'verifications end to end, first (' + a[1] + ' at a time)':62} {float(a[7]):9.2f} {float(a[8]):8.0f} {float(a[9]):8.0f} {float(a[7]) / base:8.5f}")
print(f"  {'verifications end to end, again (steps cached)':62} {float(a[10]):9.2f} {float(a[11]):8.0f} {float(a[12]):8.0f} {float(a[10]) / base:8.5f}")
print(f"  {'webhook deliveries (' + a[14] + ' events at once, to delivered)':62} {d_rate:9.0f} {'':>8} {'':>8} {d_rate / base:8.4f}")
print(f"  verdicts: {a[13]}")
print(f"  deliveries: {int(a[14]) + int(a[18])} delivered in total, the receiver got {a[16]} POSTs, not delivered: {a[17]}")
PY
