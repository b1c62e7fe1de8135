-- 0012_verification: one call that runs every check of a business and ends in a verdict
-- (issue 18, MISSION.md section 9).
--
--  * verifications: one row per verification: its business, the checks asked, the
--    tenant's verification policy version it is judged by, its status (pending,
--    running, completed, cancelled) and, once completed, its verdict (pass, review,
--    fail) with the reasons. Written by the verification's actor
--    (actors/verification/), fenced by the verification's shard like every entity.
--  * verification_steps: one row per step (registry, website, classification,
--    screening, risk) with its status (pending, running, succeeded, failed, skipped),
--    times, attempts, a summary of its result and its error. Every change of a step is
--    stored before the next one starts, so that the node that takes the shard over
--    after a crash resumes the steps that did not finish.
--  * verification_policies: every version of a tenant's verification policy (the
--    members it changes over the shipped defaults); the highest is current.
--
-- All three carry `region` and UUID keys with UNIQUE (region, id) as replica identity
-- (REGIONS-NOTES.md), are replicated with the businesses group
-- (regions/replication_plan.cpp), and have the replica guard trigger (0007).

CREATE TABLE verifications (
  id             uuid        NOT NULL PRIMARY KEY,
  tenant_id      uuid        NOT NULL REFERENCES tenants (id),
  region         text        NOT NULL CHECK (region IN ('us', 'eu')),
  business_id    uuid        NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
  status         text        NOT NULL
                   CHECK (status IN ('pending', 'running', 'completed', 'cancelled')),
  checks         text[]      NOT NULL,
  webhook        boolean     NOT NULL,
  policy_version integer     NOT NULL CHECK (policy_version >= 0),
  verdict        text        CHECK (verdict IN ('pass', 'review', 'fail')),
  reasons        jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(reasons) = 'array'),
  created_by     text        NOT NULL,
  key_id         uuid        NOT NULL,
  request_id     text        NOT NULL DEFAULT '',
  created_at     timestamptz NOT NULL,
  started_at     timestamptz,
  completed_at   timestamptz,
  cancelled_at   timestamptz,
  CHECK ((status = 'completed') = (verdict IS NOT NULL)),
  UNIQUE (region, id)
);
ALTER TABLE verifications REPLICA IDENTITY USING INDEX verifications_region_id_key;
-- A business's verifications, newest first, in cursor pages.
CREATE INDEX idx_verifications_business
  ON verifications (business_id, created_at DESC, id DESC);
-- What a node taking over a shard resumes.
CREATE INDEX idx_verifications_unfinished
  ON verifications (created_at, id) WHERE status IN ('pending', 'running');

CREATE TABLE verification_steps (
  id              uuid        NOT NULL PRIMARY KEY,
  verification_id uuid        NOT NULL REFERENCES verifications (id) ON DELETE CASCADE,
  tenant_id       uuid        NOT NULL REFERENCES tenants (id),
  region          text        NOT NULL CHECK (region IN ('us', 'eu')),
  step            text        NOT NULL
                    CHECK (step IN ('registry', 'website', 'classification', 'screening',
                                    'risk')),
  position        integer     NOT NULL CHECK (position >= 0),
  status          text        NOT NULL
                    CHECK (status IN ('pending', 'running', 'succeeded', 'failed',
                                      'skipped')),
  attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  started_at      timestamptz,
  finished_at     timestamptz,
  duration_ms     bigint      CHECK (duration_ms >= 0),
  summary         jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(summary) = 'object'),
  error           jsonb       CHECK (jsonb_typeof(error) = 'object'),
  UNIQUE (verification_id, step),
  UNIQUE (region, id)
);
ALTER TABLE verification_steps REPLICA IDENTITY USING INDEX verification_steps_region_id_key;

CREATE TABLE verification_policies (
  id         uuid        NOT NULL PRIMARY KEY,
  tenant_id  uuid        NOT NULL REFERENCES tenants (id),
  region     text        NOT NULL CHECK (region IN ('us', 'eu')),
  version    integer     NOT NULL CHECK (version >= 1),
  document   jsonb       NOT NULL CHECK (jsonb_typeof(document) = 'object'),
  created_by text        NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (region, id),
  UNIQUE (tenant_id, version)
);
ALTER TABLE verification_policies
  REPLICA IDENTITY USING INDEX verification_policies_region_id_key;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['verifications', 'verification_steps', 'verification_policies'] LOOP
    EXECUTE format('CREATE TRIGGER kyb_replica_guard BEFORE INSERT OR UPDATE OR DELETE '
                   'ON %I FOR EACH ROW EXECUTE FUNCTION kyb_replica_guard()', t);
    EXECUTE format('ALTER TABLE %I DISABLE TRIGGER kyb_replica_guard', t);
  END LOOP;
END
$$;
