-- kyb:no-transaction
-- 0015_usage_created_index: retention deletes api_usage rows older than usage.retention
-- in small batches (DELETE ... WHERE id IN (SELECT id ... WHERE created_at < $cutoff
-- LIMIT n)); without an index led by created_at each batch would scan the whole table.
-- Built CONCURRENTLY (api_usage is written all the time), so outside a transaction and
-- re-runnable: a failed concurrent build leaves an invalid index, dropped first.

DROP INDEX CONCURRENTLY IF EXISTS idx_api_usage_created;
CREATE INDEX CONCURRENTLY idx_api_usage_created ON api_usage (created_at);
