-- 0008_audit_trust: an audit log that the database's own writers cannot rewrite unseen.
--
-- 1. Append-only: UPDATE, DELETE and TRUNCATE of audit_logs (and of each monthly
--    partition) are refused by triggers, and the application role kyb_app may only
--    SELECT and INSERT audit rows.
-- 2. Keyed chain: row_hash is HMAC-SHA256(audit key, prev_hash || canonical row), computed
--    by the node (actors/audit/audit_writer.cpp). The key is never sent to PostgreSQL:
--    kyb_audit_reserve() locks the tenant's chain head and returns the row's seq, the
--    head hash and the row as PostgreSQL normalised it; the node computes the HMAC and
--    kyb_audit_insert() writes the row, in the same transaction (the head stays locked,
--    so one tenant's appends still follow one another in commit order).
-- 3. key_id records which key made row_hash (the first 8 hex digits of SHA-256 of the
--    key), so keys can rotate. NULL marks rows written before this migration with plain
--    SHA-256 (kyb_audit_append); the verifier checks them as before, and only as the
--    chain's leading rows: an unkeyed row after a keyed one is a rewrite.
--
-- What the triggers cannot stop (PostgreSQL has no trigger for it), and so is left to the
-- owner role alone: ALTER TABLE ... DISABLE TRIGGER, DETACH PARTITION and DROP of a
-- partition (the retention of old months), and sessions with
-- session_replication_role = replica (superuser only). The triggers are ENABLEd the
-- ordinary way, not ALWAYS: the logical replication apply worker runs as a replica
-- session (audit_logs is published for inserts alone, so it never updates or deletes),
-- and so does the failback re-sync in regions/region_ops.cpp, which deletes a demoted
-- primary's replicated rows before copying them back. Whoever gets past these still
-- cannot write a row_hash that verifies without the key.

ALTER TABLE audit_logs ADD COLUMN key_id text CHECK (key_id ~ '^[0-9a-f]{8}$');

-- The unkeyed appender is gone: a node older than this migration fails its audited
-- writes instead of extending a keyed chain with plain SHA-256 rows.
DROP FUNCTION kyb_audit_append(uuid, uuid, text, text, text, text, text, text, jsonb);

CREATE FUNCTION kyb_audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_logs is append-only: % of % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'KY423',
          HINT = 'audit rows are only ever inserted; retention detaches whole monthly '
                 'partitions as the owner role';
END
$$;

CREATE TRIGGER kyb_audit_append_only BEFORE UPDATE OR DELETE ON audit_logs
  FOR EACH ROW EXECUTE FUNCTION kyb_audit_refuse_change();
-- Statement triggers are not cloned to partitions: each partition gets its own, here for
-- the existing ones and in kyb_ensure_audit_partitions() for those made later.
CREATE TRIGGER kyb_audit_no_truncate BEFORE TRUNCATE ON audit_logs
  FOR EACH STATEMENT EXECUTE FUNCTION kyb_audit_refuse_change();

-- The application role: everything the node does, but audit rows only SELECT and INSERT.
-- Run the node with a login role that is a member of kyb_app (database.url) and the
-- migrations as the owner (database.migration_url); see README "Audit log integrity".
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kyb_app') THEN
    CREATE ROLE kyb_app NOLOGIN;
  END IF;
END
$$;
GRANT USAGE ON SCHEMA public TO kyb_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO kyb_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO kyb_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO kyb_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO kyb_app;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_migrations FROM kyb_app;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_logs FROM kyb_app;

DO $$
DECLARE
  part regclass;
BEGIN
  FOR part IN SELECT inhrelid::regclass FROM pg_inherits
              WHERE inhparent = 'audit_logs'::regclass LOOP
    EXECUTE format('CREATE TRIGGER kyb_audit_no_truncate BEFORE TRUNCATE ON %s '
                   'FOR EACH STATEMENT EXECUTE FUNCTION kyb_audit_refuse_change()', part);
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %s FROM kyb_app', part);
  END LOOP;
END
$$;

-- Runs as its owner (the migration role), so that the node, as kyb_app, can make next
-- month's partition without owning it (an owner could detach or drop it).
CREATE OR REPLACE FUNCTION kyb_ensure_audit_partitions(months_ahead int) RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  made  int := 0;
  start date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
  m     date;
  name  text;
BEGIN
  FOR i IN 0 .. months_ahead LOOP
    m := (start + make_interval(months => i))::date;
    name := 'audit_logs_' || to_char(m, 'YYYY_MM');
    IF to_regclass(name) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF audit_logs FOR VALUES FROM (%L) TO (%L)',
                     name, m::timestamptz, (m + interval '1 month')::timestamptz);
      EXECUTE format('CREATE TRIGGER kyb_audit_no_truncate BEFORE TRUNCATE ON %I '
                     'FOR EACH STATEMENT EXECUTE FUNCTION kyb_audit_refuse_change()', name);
      EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM kyb_app', name);
      made := made + 1;
    END IF;
  END LOOP;
  RETURN made;
END
$$;
REVOKE ALL ON FUNCTION kyb_ensure_audit_partitions(int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kyb_ensure_audit_partitions(int) TO kyb_app;

-- First half of an append: locks the tenant's chain head (made on the tenant's first
-- row), takes the next seq and the time, and returns what the node's HMAC covers:
-- seq, the head hash (the row's prev_hash, unless an earlier append of the same
-- transaction is still to be written: the node chains those itself), id, tenant,
-- details and created_at as PostgreSQL prints them, created_at in Unix microseconds.
CREATE FUNCTION kyb_audit_reserve(p_id uuid, p_tenant uuid, p_region text, p_actor text,
                                  p_action text, p_target_type text, p_target_id text,
                                  p_request_id text, p_details jsonb,
                                  OUT seq bigint, OUT head_hash text, OUT id text,
                                  OUT tenant_id text, OUT details text,
                                  OUT created_at text, OUT created_at_us bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  ts timestamptz := date_trunc('milliseconds', clock_timestamp());
BEGIN
  INSERT INTO audit_chain_heads AS h (tenant_id, seq, hash)
  VALUES (p_tenant, 0, repeat('0', 64))
  ON CONFLICT (tenant_id) DO NOTHING;
  UPDATE audit_chain_heads AS h SET seq = h.seq + 1 WHERE h.tenant_id = p_tenant
  RETURNING h.seq, h.hash INTO seq, head_hash;
  id := p_id::text;
  tenant_id := p_tenant::text;
  details := p_details::text;
  created_at := ts::text;
  created_at_us := (extract(epoch FROM ts) * 1000000)::bigint;
END
$$;

-- Second half: writes the row with the hash the node computed and moves the head's hash
-- when this is the head's row.
CREATE FUNCTION kyb_audit_insert(p_id uuid, p_tenant uuid, p_region text, p_seq bigint,
                                 p_actor text, p_action text, p_target_type text,
                                 p_target_id text, p_request_id text, p_details jsonb,
                                 p_created_at timestamptz, p_prev_hash text,
                                 p_row_hash text, p_key_id text)
RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_logs (id, tenant_id, region, seq, actor, action, target_type, target_id,
                          request_id, details, created_at, prev_hash, row_hash, key_id)
  VALUES (p_id, p_tenant, p_region, p_seq, p_actor, p_action, p_target_type, p_target_id,
          p_request_id, p_details, p_created_at, p_prev_hash, p_row_hash, p_key_id);
  UPDATE audit_chain_heads SET hash = p_row_hash
  WHERE tenant_id = p_tenant AND seq = p_seq;
  RETURN p_seq;
END
$$;
