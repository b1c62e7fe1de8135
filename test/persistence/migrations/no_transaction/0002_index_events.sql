-- kyb:no-transaction
-- CREATE INDEX CONCURRENTLY cannot run inside a transaction block. Each statement is
-- re-runnable, so a re-run after a failure part-way completes the file.
DROP INDEX CONCURRENTLY IF EXISTS events_kind_idx;
CREATE INDEX CONCURRENTLY events_kind_idx ON events (kind);

CREATE INDEX CONCURRENTLY IF NOT EXISTS events_at_idx
  ON events (at);
DO $$
BEGIN
  -- a semicolon inside a dollar-quoted body; does not split the statement
  PERFORM 1;
END $$;
