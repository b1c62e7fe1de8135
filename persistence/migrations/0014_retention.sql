-- 0014_retention: what the retention service (actors/retention/) needs to retire old
-- audit months without weakening the append-only audit log of 0008.
--
-- The node runs as kyb_app, which may not detach a partition (only the owner can, and
-- an owner could detach any month). kyb_audit_retire_partition() runs as its owner (the
-- migration role, SECURITY DEFINER) and detaches one month, only when:
--   * it is an attached monthly partition of audit_logs (not the default one);
--   * the whole month lies before the cutoff: date_trunc('month', now()) minus the
--     retention, and the retention is at least 12 months whatever the caller says
--     (the seed's audit queries read one year back);
--   * the caller exported it: the row count it passes equals the partition's, counted
--     under a SHARE lock held until the detach, with the file name and its SHA-256;
--   * each tenant's rows in it are the start of what remains of its chain (no row left
--     in another partition comes before one of these): retiring never cuts a chain in
--     the middle.
-- It records the export (audit_retention_exports) and, per tenant, the last retired
-- row (audit_retention_anchors: seq, row_hash, key_id). The verifier starts a chain
-- there: the first remaining row must be seq + 1 with prev_hash = that row_hash, so a
-- chain that starts after a retired prefix verifies and a row removed from the middle
-- still shows. Both tables are written by this function alone (kyb_app reads them).
--
-- Locks: the detach takes ACCESS EXCLUSIVE on audit_logs (and its default partition)
-- until the caller commits; lock_timeout bounds the wait behind a long transaction so
-- audit writers never queue behind it for long (the run fails, retries next interval).
-- DETACH ... CONCURRENTLY is not possible here: it cannot run in a function or a
-- transaction, and PostgreSQL refuses it while a default partition exists.
--
-- Regions: audit_logs is published with publish_via_partition_root and for inserts
-- only: a detach sends no change, the subscribers keep their rows (each region retires
-- its own copy with its own retention run), and the publication goes on with the
-- partitions that remain. The anchors are region-local, like the chain heads that
-- regions/region_sql.cpp rebuilds from rows and anchors after a promotion.

CREATE TABLE audit_retention_anchors (
  tenant_id  uuid        NOT NULL PRIMARY KEY,
  seq        bigint      NOT NULL,
  hash       text        NOT NULL,
  key_id     text,
  partition  text        NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_retention_exports (
  partition   text        NOT NULL PRIMARY KEY,
  range_from  timestamptz NOT NULL,
  range_to    timestamptz NOT NULL,
  row_count   bigint      NOT NULL,
  tenants     bigint      NOT NULL,
  file        text        NOT NULL,
  sha256      text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  exported_by text        NOT NULL,
  detached_at timestamptz NOT NULL DEFAULT now(),
  dropped     boolean     NOT NULL DEFAULT false
);

-- The default privileges of 0008 gave kyb_app DML on new tables: these are the owner's.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_retention_anchors FROM kyb_app;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_retention_exports FROM kyb_app;
GRANT SELECT ON audit_retention_anchors, audit_retention_exports TO kyb_app;

-- Detaches (and with p_drop drops) one exported month; returns the tenants anchored.
-- Errors: KY400 a malformed argument, KY404 no such attached month, KY422 a month
-- inside the retention, KY409 the partition does not match the export (row count) or
-- is not a chain prefix.
CREATE FUNCTION kyb_audit_retire_partition(p_partition text, p_retention_months int,
                                           p_rows bigint, p_sha256 text, p_file text,
                                           p_by text, p_drop boolean)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
SET lock_timeout = '5s' AS $$
DECLARE
  part    regclass;
  m       date;
  cutoff  date;
  keep    int := greatest(p_retention_months, 12);
  n       bigint;
  anchored bigint;
  bad     uuid;
BEGIN
  IF p_partition IS NULL OR p_partition !~ '^audit_logs_[0-9]{4}_(0[1-9]|1[0-2])$' THEN
    RAISE EXCEPTION 'not a monthly audit partition name: %', p_partition
      USING ERRCODE = 'KY400';
  END IF;
  IF p_sha256 IS NULL OR p_sha256 !~ '^[0-9a-f]{64}$' OR coalesce(p_file, '') = ''
     OR p_rows IS NULL OR p_rows < 0 THEN
    RAISE EXCEPTION 'retiring % needs its export: the file, its SHA-256 and its rows',
      p_partition USING ERRCODE = 'KY400';
  END IF;
  SELECT c.oid::regclass INTO part
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
  WHERE i.inhparent = 'audit_logs'::regclass AND c.relname = p_partition
    AND c.relnamespace = 'public'::regnamespace;
  IF part IS NULL THEN
    RAISE EXCEPTION '% is not an attached partition of audit_logs', p_partition
      USING ERRCODE = 'KY404';
  END IF;
  m := to_date(substr(p_partition, 12), 'YYYY_MM');
  cutoff := (date_trunc('month', now() AT TIME ZONE 'UTC')
             - make_interval(months => keep))::date;
  IF (m + interval '1 month')::date > cutoff THEN
    RAISE EXCEPTION '% is inside the audit retention (% months: months before % only)',
      p_partition, keep, to_char(cutoff, 'YYYY-MM') USING ERRCODE = 'KY422';
  END IF;
  -- No row can enter or leave it from here to the detach.
  EXECUTE format('LOCK TABLE %s IN SHARE MODE', part);
  EXECUTE format('SELECT count(*) FROM %s', part) INTO n;
  IF n <> p_rows THEN
    RAISE EXCEPTION '% holds % rows but its export has %', p_partition, n, p_rows
      USING ERRCODE = 'KY409';
  END IF;
  EXECUTE format('SELECT p.tenant_id FROM (SELECT tenant_id, max(seq) AS last FROM %s '
                 'GROUP BY tenant_id) p WHERE EXISTS (SELECT 1 FROM audit_logs l '
                 'WHERE l.tenant_id = p.tenant_id AND l.seq < p.last '
                 'AND l.tableoid <> %s) LIMIT 1', part, part::oid) INTO bad;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'tenant %: rows in other partitions come before rows of %; '
      'retiring it would cut the chain', bad, p_partition USING ERRCODE = 'KY409';
  END IF;
  EXECUTE format('INSERT INTO audit_retention_anchors AS a (tenant_id, seq, hash, key_id, '
                 'partition) SELECT DISTINCT ON (tenant_id) tenant_id, seq, row_hash, '
                 'key_id, %L FROM %s ORDER BY tenant_id, seq DESC '
                 'ON CONFLICT (tenant_id) DO UPDATE SET seq = EXCLUDED.seq, '
                 'hash = EXCLUDED.hash, key_id = EXCLUDED.key_id, '
                 'partition = EXCLUDED.partition, updated_at = now() '
                 'WHERE a.seq < EXCLUDED.seq', p_partition, part);
  GET DIAGNOSTICS anchored = ROW_COUNT;
  INSERT INTO audit_retention_exports (partition, range_from, range_to, row_count,
                                       tenants, file, sha256, exported_by, dropped)
  VALUES (p_partition, m::timestamptz, (m + interval '1 month')::timestamptz, n, anchored,
          p_file, p_sha256, coalesce(p_by, ''), p_drop)
  ON CONFLICT (partition) DO UPDATE SET row_count = EXCLUDED.row_count,
    tenants = EXCLUDED.tenants, file = EXCLUDED.file, sha256 = EXCLUDED.sha256,
    exported_by = EXCLUDED.exported_by, detached_at = now(), dropped = EXCLUDED.dropped;
  EXECUTE format('ALTER TABLE audit_logs DETACH PARTITION %s', part);
  IF p_drop THEN
    EXECUTE format('DROP TABLE %s', part);
  ELSE
    -- Kept for the owner to archive: read-only to the application.
    EXECUTE format('REVOKE ALL ON %s FROM kyb_app', part);
    EXECUTE format('GRANT SELECT ON %s TO kyb_app', part);
  END IF;
  RETURN anchored;
END
$$;
REVOKE ALL ON FUNCTION kyb_audit_retire_partition(text, int, bigint, text, text, text,
                                                  boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kyb_audit_retire_partition(text, int, bigint, text, text, text,
                                                     boolean) TO kyb_app;
