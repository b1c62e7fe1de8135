-- 0002_screening: sanctions screening of stored businesses (MISSION §5).
--
-- screening_results, screening_hits and screening_decisions are tenant data and are
-- replicated like businesses: `region` ('us' or 'eu'), UUIDv7 keys made in C++, and
-- UNIQUE (region, id) as the replica identity (see REGIONS-NOTES.md).
-- screening_monitor_runs coordinates the nodes of one region's cluster and is not
-- replicated (like shard leases).
--
-- The tables are created empty in this migration, so plain CREATE INDEX locks nothing
-- anyone waits for (see 0001_init.sql).

-- One screening of a business: every name screened (legal name, DBA, owners), the
-- lists and versions it ran against, and the counts the API shows.
CREATE TABLE screening_results (
  id               uuid         NOT NULL PRIMARY KEY,
  tenant_id        uuid         NOT NULL REFERENCES tenants (id),
  region           text         NOT NULL CHECK (region IN ('us', 'eu')),
  business_id      uuid         NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
  business_version integer      NOT NULL,
  triggered_by     text         NOT NULL CHECK (triggered_by IN ('api', 'refresh', 'monitoring')),
  outcome          text         NOT NULL CHECK (outcome IN ('clear', 'match')),
  threshold        numeric(5, 4) NOT NULL CHECK (threshold > 0 AND threshold <= 1),
  generation       text         NOT NULL,
  lists            jsonb        NOT NULL,  -- [{name, version}]
  subjects         jsonb        NOT NULL,  -- [{kind, name, type, error?}]
  hit_count        integer      NOT NULL CHECK (hit_count >= 0),
  raised_count     integer      NOT NULL CHECK (raised_count >= 0),
  new_count        integer      NOT NULL CHECK (new_count >= 0),
  screened_at      timestamptz  NOT NULL,
  UNIQUE (region, id)
);
-- "The latest screening of a business" (GET /v1/businesses/{id}/screening, and the
-- previous hits a re-screening compares with).
CREATE INDEX idx_screening_results_business
  ON screening_results (business_id, screened_at DESC, id DESC);

-- One hit of a screening. `raised` is false when the tenant decided the same list entry
-- (same fingerprint) a false positive before; `is_new` when it was not raised by the
-- business's previous screening.
CREATE TABLE screening_hits (
  id                 uuid         NOT NULL PRIMARY KEY,
  result_id          uuid         NOT NULL REFERENCES screening_results (id) ON DELETE CASCADE,
  business_id        uuid         NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
  tenant_id          uuid         NOT NULL REFERENCES tenants (id),
  region             text         NOT NULL CHECK (region IN ('us', 'eu')),
  position           integer      NOT NULL CHECK (position >= 0),
  subject_kind       text         NOT NULL CHECK (subject_kind IN ('legal_name', 'dba_name', 'owner')),
  subject_name       text         NOT NULL,
  list_name          text         NOT NULL,
  list_version       text         NOT NULL,
  entity_id          text         NOT NULL,
  entity_type        text         NOT NULL,
  primary_name       text         NOT NULL,
  matched_name       text         NOT NULL,
  matched_alias      boolean      NOT NULL,
  score              numeric(5, 4) NOT NULL CHECK (score >= 0 AND score <= 1),
  programs           jsonb        NOT NULL DEFAULT '[]',
  explanation        jsonb        NOT NULL,
  entity_fingerprint text         NOT NULL,
  raised             boolean      NOT NULL,
  is_new             boolean      NOT NULL,
  entry_changed      boolean      NOT NULL DEFAULT false,
  decision           text         CHECK (decision IN ('false_positive', 'confirmed')),
  decision_reason    text,
  decided_by         text,
  decided_at         timestamptz,
  created_at         timestamptz  NOT NULL,
  UNIQUE (region, id),
  -- The hits of one screening in order (also serves "hits of a result").
  UNIQUE (result_id, position)
);

-- An analyst's decision on a hit, remembered per tenant for the business, the screened
-- name and the list entry. A re-screening does not raise a hit decided false_positive
-- again while the entry's fingerprint is unchanged. Every decision is audited.
CREATE TABLE screening_decisions (
  id                 uuid        NOT NULL PRIMARY KEY,
  tenant_id          uuid        NOT NULL REFERENCES tenants (id),
  region             text        NOT NULL CHECK (region IN ('us', 'eu')),
  business_id        uuid        NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
  subject_name       text        NOT NULL,
  list_name          text        NOT NULL,
  entity_id          text        NOT NULL,
  entity_fingerprint text        NOT NULL,
  decision           text        NOT NULL CHECK (decision IN ('false_positive', 'confirmed')),
  reason             text        NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  hit_id             uuid        NOT NULL,
  decided_by         text        NOT NULL,
  decided_at         timestamptz NOT NULL,
  UNIQUE (region, id),
  -- One decision per entry; also serves "the decisions of a business" (prefix).
  UNIQUE (tenant_id, business_id, subject_name, list_name, entity_id)
);

-- Ongoing monitoring: one row per re-screening of the stored businesses after a list
-- change. A node claims a run (under an advisory lock) before it starts, so one node of
-- the region runs each change, and a restarted node does not run a finished one again.
CREATE TABLE screening_monitor_runs (
  id               uuid        NOT NULL PRIMARY KEY,
  generation       text        NOT NULL,
  changed_lists    jsonb       NOT NULL DEFAULT '[]',
  node_id          text        NOT NULL,
  status           text        NOT NULL CHECK (status IN ('running', 'done', 'superseded')),
  businesses_total bigint      NOT NULL DEFAULT 0,
  screened         bigint      NOT NULL DEFAULT 0,
  failed           bigint      NOT NULL DEFAULT 0,
  skipped          bigint      NOT NULL DEFAULT 0,
  new_hits         bigint      NOT NULL DEFAULT 0,
  started_at       timestamptz NOT NULL,
  heartbeat_at     timestamptz NOT NULL,
  finished_at      timestamptz
);
CREATE INDEX idx_screening_monitor_runs_latest
  ON screening_monitor_runs (started_at DESC, id DESC);
