-- Generated assessment history for the trend benchmark (bench/risk/run.sh), in one
-- tenant: :businesses businesses, :assessments assessments spread uniformly over the
-- last 14 months (so a 12-month query skips some), scores 0.00-100.00 with their
-- levels at the default bands. psql variables: tenant, region, name, businesses,
-- assessments. Deterministic (setseed) so runs compare.
SELECT setseed(0.16) \g /dev/null
INSERT INTO tenants (id, region, name, created_at, updated_at)
VALUES (:'tenant', :'region', :'name', now(), now()) ON CONFLICT (id) DO NOTHING;
CREATE TEMP TABLE bench_businesses AS
  SELECT n, gen_random_uuid() AS id FROM generate_series(0, :businesses - 1) AS n;
INSERT INTO businesses (id, tenant_id, region, legal_name, country, created_at, updated_at)
  SELECT id, :'tenant', :'region', 'Bench Business ' || n, 'US', now(), now()
  FROM bench_businesses;
INSERT INTO risk_assessments (id, business_id, tenant_id, region, overall_score,
                              risk_level, rules_version, assessed_at, assessment_type)
  SELECT gen_random_uuid(), b.id, :'tenant', :'region', s.score,
         CASE WHEN s.score < 40 THEN 'low' WHEN s.score < 70 THEN 'medium'
              WHEN s.score < 85 THEN 'high' ELSE 'critical' END,
         0, s.at, 'monitoring'
  FROM (SELECT i % :businesses AS n, round((random() * 100)::numeric, 2) AS score,
               now() - random() * interval '425 days' AS at
        FROM generate_series(1, :assessments) AS i) s
  JOIN bench_businesses b USING (n);
ANALYZE tenants, businesses, risk_assessments;
