-- 0007_regions: what the region replica actors (regions/) need in every region's cluster.
--
-- * The replica identity (region, id) of the further tables that travel with businesses
--   (API keys, so that a promoted replica authenticates; screening results, hits and
--   decisions, so that a replica shows a business whole). See 0006 for why.
-- * replication_heartbeats: one row per replicated table group, rewritten every 250 ms
--   by the group's source region and published with the group. Its age on a target
--   (clock_timestamp() - ts) is the group's replication lag there: commit timestamps
--   cannot measure it (a subscriber's equal the publisher's).
-- * region_routing: which region takes the writes of each residency ('us', 'eu'), and
--   which regions are fenced, with an epoch. Written in every reachable region by a
--   failover or failback; a node starting takes the highest epoch it can read. Never
--   replicated: each region keeps its own copy, so a returning old primary learns from
--   the others that it is fenced.
-- * region_reconciliation: rows that existed only on a failed primary (the lost tail),
--   exported at failback for an operator to review and replay. Never silently dropped.

ALTER TABLE api_keys REPLICA IDENTITY USING INDEX api_keys_region_id_key;
ALTER TABLE screening_results REPLICA IDENTITY USING INDEX screening_results_region_id_key;
ALTER TABLE screening_hits REPLICA IDENTITY USING INDEX screening_hits_region_id_key;
ALTER TABLE screening_decisions
  REPLICA IDENTITY USING INDEX screening_decisions_region_id_key;

CREATE TABLE replication_heartbeats (
  grp    text        NOT NULL PRIMARY KEY,
  source text        NOT NULL,
  ts     timestamptz NOT NULL
);

CREATE TABLE region_routing (
  residency    text        NOT NULL PRIMARY KEY CHECK (residency IN ('us', 'eu')),
  write_region text        NOT NULL,
  fenced       text[]      NOT NULL DEFAULT '{}',
  epoch        bigint      NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE region_reconciliation (
  id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  failback_id uuid        NOT NULL,
  old_primary text        NOT NULL,
  table_name  text        NOT NULL,
  row_id      text        NOT NULL,
  row_data    jsonb       NOT NULL,
  exported_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz
);
CREATE INDEX idx_region_reconciliation_open
  ON region_reconciliation (exported_at) WHERE resolved_at IS NULL;

-- The replica guard: in a region that holds a replica of US rows (every region but the
-- US write region), the application must not write them: they would diverge from the
-- primary and stop replication on the next conflicting change. Enabled by the region
-- controller on replicas, disabled on the US write region (and switched at failover
-- and failback). Replication's apply workers run with session_replication_role =
-- replica, which fires no ordinary trigger: the guard stops the application only.
CREATE FUNCTION kyb_replica_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (TG_OP = 'DELETE' AND OLD.region <> 'eu') OR (TG_OP <> 'DELETE' AND NEW.region <> 'eu') THEN
    RAISE EXCEPTION 'this region holds a replica of US rows; they are written in the US '
      'write region' USING ERRCODE = 'KY503';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END
$$;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tenants', 'api_keys', 'businesses', 'business_owners',
                           'business_classifications', 'screening_results',
                           'screening_hits', 'screening_decisions', 'risk_assessments',
                           'audit_logs'] LOOP
    EXECUTE format('CREATE TRIGGER kyb_replica_guard BEFORE INSERT OR UPDATE OR DELETE '
                   'ON %I FOR EACH ROW EXECUTE FUNCTION kyb_replica_guard()', t);
    EXECUTE format('ALTER TABLE %I DISABLE TRIGGER kyb_replica_guard', t);
  END LOOP;
END
$$;
