-- Businesses for the search benchmark (bench/search/run.sh): :rows businesses of tenant
-- :tenant, their legal names made of the real brand names of
-- test/data/labeled/nsi_brands_mcc_dev.csv (loaded into brand_names by run.sh), with
-- the descriptors, US cities and legal forms real company names carry, in the mix those
-- have (LLC and Inc on most; a descriptor on two in five; a city on one in five; a trade
-- name on one in five). created_at spreads over three years, oldest first (the order bulk
-- imports write in). Deterministic: the same :seed gives the same names.
WITH words AS (
  SELECT ARRAY['Group', 'Holdings', 'Services', 'International', 'Partners', 'Trading',
               'Systems', 'Solutions', 'Enterprises', 'Industries', 'Capital', 'Foods',
               'Logistics', 'Retail', 'Consulting', 'Management'] AS descriptors,
         ARRAY['Austin', 'Boston', 'Chicago', 'Dallas', 'Denver', 'Houston', 'Miami',
               'Phoenix', 'Portland', 'Seattle', 'Atlanta', 'Detroit', 'Nashville',
               'Oakland', 'Tampa', 'Omaha'] AS cities,
         -- 20 slots: LLC 7, Inc 5, Corp 2, Ltd 1, Co 1, GmbH 1, LP 1, PLC 1, none 1
         ARRAY['LLC', 'LLC', 'LLC', 'LLC', 'LLC', 'LLC', 'LLC', 'Inc', 'Inc', 'Inc', 'Inc',
               'Inc', 'Corp', 'Corp', 'Ltd', 'Co', 'GmbH', 'LP', 'PLC', ''] AS forms,
         (SELECT count(*) FROM brand_names) AS brands
), n AS (
  SELECT i, hashint8(i + :seed * 1000000007::bigint) AS h FROM generate_series(1, :rows) AS i
), named AS (
  SELECT n.i, n.h, b.name AS brand,
         CASE WHEN abs(n.h >> 8) % 5 < 2
              THEN ' ' || w.descriptors[1 + abs(n.h >> 16) % 16] ELSE '' END AS descriptor,
         CASE WHEN abs(n.h >> 24) % 5 = 0
              THEN ' ' || w.cities[1 + abs(n.h >> 32) % 16] ELSE '' END AS city,
         w.forms[1 + abs(n.h >> 40) % 20] AS form
  FROM n CROSS JOIN words w
  JOIN brand_names b ON b.n = 1 + abs(n.h) % w.brands
)
INSERT INTO businesses (id, tenant_id, region, legal_name, dba_name, tax_id,
                        tax_id_encrypted, country, created_at, updated_at)
SELECT gen_random_uuid(), :'tenant', 'us',
       brand || city || descriptor || CASE WHEN form = '' THEN '' ELSE ' ' || form END,
       CASE WHEN abs(h >> 48) % 5 = 0 THEN brand END,
       encode(sha256((:seed || '/' || i)::bytea), 'hex'), '\x00'::bytea, 'US',
       now() - interval '3 years' + (i * (interval '3 years' / :rows)),
       now() - interval '3 years' + (i * (interval '3 years' / :rows))
FROM named ORDER BY i;
