-- 0009_risk: what risk assessment stores (issue 16, MISSION.md section 6).
--
--  * risk_assessments (0001) gains what an assessment is judged by later: its type
--    (manual, monitoring, verification), whether it requires a review, its coverage
--    (the weight of the factors that were known), the inputs it used and the key that
--    says when a later request may reuse it, the reference tables' versions, and who
--    asked. rules_version becomes the number of the tenant's rules version (0 = the
--    shipped defaults).
--  * risk_rules: every version of a tenant's rules document; the highest is current.
--    Written by the tenant's actor with its audit row in one transaction.
--  * outbox_events: events for delivery (risk.level_changed now; the webhook work
--    delivers them), written in the transaction of the change they report.
--
-- Both new tables carry `region` and UUID keys with UNIQUE (region, id) as replica
-- identity (REGIONS-NOTES.md), and the replica guard trigger that region replicas
-- enable (0007).

ALTER TABLE risk_assessments
  ADD COLUMN assessment_type text NOT NULL DEFAULT 'manual'
    CHECK (assessment_type IN ('manual', 'monitoring', 'verification')),
  ADD COLUMN review_required boolean NOT NULL DEFAULT false,
  ADD COLUMN coverage_percent numeric(5, 2) NOT NULL DEFAULT 0
    CHECK (coverage_percent >= 0 AND coverage_percent <= 100),
  ADD COLUMN inputs jsonb NOT NULL DEFAULT '{}',
  ADD COLUMN input_key text NOT NULL DEFAULT '',
  ADD COLUMN reference_version text NOT NULL DEFAULT '',
  ADD COLUMN created_by text NOT NULL DEFAULT '';

-- Nothing wrote risk_assessments before this migration; a non-numeric version is 0.
ALTER TABLE risk_assessments ALTER COLUMN rules_version DROP DEFAULT;
ALTER TABLE risk_assessments
  ALTER COLUMN rules_version TYPE integer
    USING CASE WHEN rules_version ~ '^[0-9]{1,9}$' THEN rules_version::integer ELSE 0 END;
ALTER TABLE risk_assessments ALTER COLUMN rules_version SET DEFAULT 0;
ALTER TABLE risk_assessments ADD CHECK (rules_version >= 0);

-- A tenant's history of one business, newest first, in cursor pages: served by
-- idx_risk_assessments_recent (business_id, assessed_at DESC, id) with tenant_id checked
-- on the rows. The monthly trends of a tenant read its rows by time:
CREATE INDEX idx_risk_assessments_tenant_time
  ON risk_assessments (tenant_id, assessed_at, business_id);

CREATE TABLE risk_rules (
  id         uuid        NOT NULL PRIMARY KEY,
  tenant_id  uuid        NOT NULL REFERENCES tenants (id),
  region     text        NOT NULL CHECK (region IN ('us', 'eu')),
  version    integer     NOT NULL CHECK (version >= 1),
  document   jsonb       NOT NULL CHECK (jsonb_typeof(document) = 'object'),
  created_by text        NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (region, id),
  -- One row per version; also serves "the current version" (the highest).
  UNIQUE (tenant_id, version)
);
ALTER TABLE risk_rules REPLICA IDENTITY USING INDEX risk_rules_region_id_key;

CREATE TABLE outbox_events (
  id           uuid        NOT NULL PRIMARY KEY,
  tenant_id    uuid        NOT NULL REFERENCES tenants (id),
  region       text        NOT NULL CHECK (region IN ('us', 'eu')),
  event_type   text        NOT NULL CHECK (event_type ~ '^[a-z_]+(\.[a-z_]+)+$'),
  subject_type text        NOT NULL,
  subject_id   uuid        NOT NULL,
  payload      jsonb       NOT NULL,
  created_at   timestamptz NOT NULL,
  delivered_at timestamptz,
  UNIQUE (region, id)
);
ALTER TABLE outbox_events REPLICA IDENTITY USING INDEX outbox_events_region_id_key;
-- What is still to deliver, oldest first.
CREATE INDEX idx_outbox_events_pending
  ON outbox_events (created_at, id) WHERE delivered_at IS NULL;
-- A tenant's events of one subject, newest first.
CREATE INDEX idx_outbox_events_subject
  ON outbox_events (tenant_id, subject_id, created_at DESC);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['risk_rules', 'outbox_events'] LOOP
    EXECUTE format('CREATE TRIGGER kyb_replica_guard BEFORE INSERT OR UPDATE OR DELETE '
                   'ON %I FOR EACH ROW EXECUTE FUNCTION kyb_replica_guard()', t);
    EXECUTE format('ALTER TABLE %I DISABLE TRIGGER kyb_replica_guard', t);
  END LOOP;
END
$$;
