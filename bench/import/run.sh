#!/usr/bin/env bash
# Bulk import against PostgreSQL's own COPY, in the same run and the same database
# (machines are noisy: the ratio is what counts). Generates N businesses (default 1M),
# each with a tax id, address, description and one owner, then:
#   1. baseline: psql \copy of the same rows into businesses and business_owners (the
#      tax id's hash and ciphertext precomputed: COPY does no validation, sealing or
#      auditing), timed; then the tables are emptied;
#   2. POST /v1/businesses/bulk of the same rows as NDJSON, streamed with chunked
#      transfer by curl, timed until the 202 (every batch committed);
# and prints rows/s of both and their ratio (the target: import >= 0.5x COPY).
#
#   bench/import/run.sh [rows=1000000]
# Environment: KYB_IMPORT_BATCH_ROWS (the node's batch size, default 1000).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ROWS=${1:-1000000}
OUT="$ROOT/bench/out/import"
PORT=18495
CONNS=1 SECS=1
source "$ROOT/bench/lib/node.sh"
export KYB_LOG_ACCESS=false
bench_node_start
mkdir -p "$OUT"

echo "generating $ROWS businesses..."
TENANT_ID=$(psql -Atq "$KYB_DATABASE_URL" -c "SELECT id FROM tenants WHERE name = 'bench'")
python3 - "$ROWS" "$OUT" "$TENANT_ID" <<'PY'
import hashlib, json, os, random, sys, uuid
rows, out, tenant = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rnd = random.Random(42)
words = ["Acme", "Summit", "Harbor", "Pioneer", "Granite", "Cedar", "Blue", "River",
         "Atlas", "Nova", "Prairie", "Lumen", "Orchard", "Keystone", "Beacon", "Maple"]
kinds = ["Widgets", "Foods", "Logistics", "Dental", "Hardware", "Consulting", "Bakery",
         "Pharmacy", "Motors", "Textiles", "Software", "Florist"]
states = [("DE", "Dover", "19901"), ("NY", "New York", "10001"), ("CA", "Oakland", "94607"),
          ("TX", "Austin", "78701"), ("IL", "Chicago", "60601")]
with open(f"{out}/rows.ndjson", "w") as nd, open(f"{out}/businesses.tsv", "w") as bt, \
     open(f"{out}/owners.tsv", "w") as ot:
    for i in range(rows):
        name = f"{rnd.choice(words)} {rnd.choice(kinds)} {i} LLC"
        tax = f"{10 + i // 10000000:02d}-{i % 10000000:07d}"
        st, city, zipc = rnd.choice(states)
        desc = f"{rnd.choice(kinds).lower()} business serving {city}"
        inc = f"{rnd.randint(1990, 2023)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        owner = {"name": f"Owner {i}", "date_of_birth": "1980-05-17", "nationality": "US",
                 "ownership_percent": 100}
        addr = {"line1": f"{i} Main St", "city": city, "state": st, "postal_code": zipc,
                "country": "US"}
        nd.write(json.dumps({"legal_name": name, "dba_name": name[:-4], "tax_id": tax,
                             "website_url": f"https://b{i}.example.com", "country": "US",
                             "registration_number": str(5000000 + i),
                             "registration_jurisdiction": f"US-{st}", "address": addr,
                             "incorporation_date": inc, "description": desc,
                             "owners": [owner]}, separators=(",", ":")) + "\n")
        bid = str(uuid.UUID(int=rnd.getrandbits(128), version=4))
        digits = tax.replace("-", "")
        sealed = "\\\\x" + os.urandom(12 + len(digits) + 16).hex()
        bt.write("\t".join([bid, tenant, "us", name, name[:-4],
                            hashlib.sha256(digits.encode()).hexdigest(), sealed,
                            f"https://b{i}.example.com", "US", str(5000000 + i), f"US-{st}",
                            json.dumps(addr, separators=(",", ":")), inc, desc, "1",
                            "now", "now"]) + "\n")
        ot.write("\t".join([str(uuid.UUID(int=rnd.getrandbits(128), version=4)), bid, tenant,
                            "us", "0", owner["name"], "1980-05-17", "US", "100.00",
                            "now"]) + "\n")
PY
ls -la "$OUT/rows.ndjson" "$OUT/businesses.tsv" | awk '{print "  " $5 " bytes  " $9}'

empty_tables() {
  psql -q "$KYB_DATABASE_URL" -c "SET client_min_messages = warning" \
    -c "TRUNCATE businesses, import_jobs CASCADE" -c "VACUUM ANALYZE businesses, business_owners" >/dev/null
}
copy_rows() {
  psql -q "$KYB_DATABASE_URL" <<SQL
\\copy businesses (id, tenant_id, region, legal_name, dba_name, tax_id, tax_id_encrypted, website_url, country, registration_number, registration_jurisdiction, address, incorporation_date, description, version, created_at, updated_at) FROM '$OUT/businesses.tsv'
\\copy business_owners (id, business_id, tenant_id, region, position, name, date_of_birth, nationality, ownership_percent, created_at) FROM '$OUT/owners.tsv'
SQL
}
now() { date +%s.%N; }

echo "raw COPY..."
empty_tables
T0=$(now); copy_rows; T1=$(now)
COPY_COUNT=$(psql -Atq "$KYB_DATABASE_URL" -c "SELECT count(*) FROM businesses")
empty_tables

echo "bulk import through the API..."
T2=$(now)
curl -sS -o "$OUT/import.json" -w '%{http_code}\n' -X POST -T "$OUT/rows.ndjson" \
  -H "Authorization: Bearer $KEY" -H 'Content-Type: application/x-ndjson' \
  -H 'Transfer-Encoding: chunked' -H 'Expect:' "$API/v1/businesses/bulk" >"$OUT/status.txt"
T3=$(now)
IMPORT_COUNT=$(psql -Atq "$KYB_DATABASE_URL" -c "SELECT count(*) FROM businesses")
AUDIT=$(psql -Atq "$KYB_DATABASE_URL" -c "SELECT count(*) FROM audit_logs WHERE action = 'business.bulk_create'")

python3 - "$T0" "$T1" "$T2" "$T3" "$COPY_COUNT" "$IMPORT_COUNT" "$(cat "$OUT/status.txt")" "$OUT/import.json" "$AUDIT" <<'PY'
import json, sys
t0, t1, t2, t3 = map(float, sys.argv[1:5])
copy_n, import_n, status, path, audit = int(sys.argv[5]), int(sys.argv[6]), sys.argv[7], sys.argv[8], sys.argv[9]
job = json.load(open(path))
c, i = copy_n / (t1 - t0), import_n / (t3 - t2)
print(f"\n{copy_n} businesses (+1 owner each), same PostgreSQL, same indexes")
print(f"  raw COPY (psql \\copy):        {t1 - t0:8.1f} s  {c:10.0f} rows/s")
print(f"  POST /v1/businesses/bulk:     {t3 - t2:8.1f} s  {i:10.0f} rows/s   HTTP {status}")
print(f"    job: written {job.get('rows_written')}, failed {job.get('rows_failed')}, "
      f"status {job.get('status')}; audit rows {audit}")
print(f"  ratio import/COPY:            {i / c:8.2f}   (target >= 0.50)")
PY
