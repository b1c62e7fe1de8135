-- kyb:no-transaction
-- 0010_risk_trends: the index of GET /v1/risk/trends (issue 16).
--
-- The trend statements (persistence/queries.cpp, risk_trends_*) read one tenant's
-- assessments of a window of months, business by business, in time order within each
-- business (first and last score of a month by (assessed_at, id)). Neither earlier index
-- serves that alone:
--  * idx_risk_assessments_recent (business_id, assessed_at DESC, id) has no tenant_id:
--    a page of a tenant's businesses in business_id order walks every tenant's rows and
--    checks tenant_id on the heap;
--  * idx_risk_assessments_tenant_time (tenant_id, assessed_at, business_id) finds the
--    window but in time order, so grouping by business sorts every row of the window
--    (1M assessments: an external merge sort on disk), and every row is a heap fetch.
-- This one is in the order the statements group by, and carries the two columns they
-- read (INCLUDE), so a page of businesses and the tenant's monthly summary are index-only
-- range scans (bench/risk/README.md has the plans and timings).
-- It replaces idx_risk_assessments_tenant_time, made (0009) for these statements alone:
-- with both, a prepared statement's generic plan (PostgreSQL's choice after five
-- executions) cannot estimate the window of $2 months, guesses it tiny, and picks the
-- time-ordered index, then sorts the whole window on disk (3.2 s against 1.8 s for
-- 800k rows). No other statement reads a tenant's assessments by time.
-- CONCURRENTLY (outside a transaction): risk_assessments is a large live table.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_risk_assessments_tenant_business_time
  ON risk_assessments (tenant_id, business_id, assessed_at, id)
  INCLUDE (overall_score, risk_level);
DROP INDEX CONCURRENTLY IF EXISTS idx_risk_assessments_tenant_time;
