-- 0001_init: the platform's first schema.
--
-- Every table that regions replicate (tenants, api_keys, businesses, business_owners,
-- business_classifications, risk_assessments, audit_logs) carries `region` ('us' or 'eu',
-- the residency of the row) and a UUID key made in C++ (UUIDv7), with UNIQUE (region, id)
-- as the replica identity a row-filtered publication needs (see REGIONS-NOTES.md).
-- No serial ids: sequences are not replicated and a promoted replica would reuse them.
--
-- Indexes follow the architecture's section 7.2. Where its definitions are not valid
-- PostgreSQL, the equivalent used here says why:
--  * CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and this migration
--    runs in one (all or nothing). The tables are created empty in this same migration,
--    so a plain CREATE INDEX locks nothing anyone waits for. Later migrations that index
--    large live tables use CONCURRENTLY in a file marked `-- kyb:no-transaction`.
--    (audit_logs is partitioned, and PostgreSQL 15 cannot build an index on a
--    partitioned table concurrently at all.)
--  * A partial-index predicate may only use immutable expressions: `NOW() - INTERVAL ...`
--    is not immutable (the index would silently go stale as time moves), and a predicate
--    may not contain a subquery. Those indexes are built without the time predicate (the
--    leading columns still serve the seed's queries), or by partitioning (audit_logs), or
--    by an equivalent constant predicate (the high-risk index).

-- Guards writes that must change exactly the row the writer expects (a business at the
-- version its actor holds). A pipelined batch runs as one transaction and a zero-row
-- UPDATE is not an error, so the batch raises one: SQLSTATE KY409 (mapped to "conflict"
-- in persistence/pg_errors.cpp) rolls back everything written with it.
CREATE FUNCTION kyb_expect_rows(n bigint, what text) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
  IF n = 0 THEN
    RAISE EXCEPTION '% was changed or removed concurrently', what USING ERRCODE = 'KY409';
  END IF;
  RETURN n;
END
$$;

CREATE TABLE tenants (
  id                    uuid        NOT NULL PRIMARY KEY,
  region                text        NOT NULL CHECK (region IN ('us', 'eu')),
  name                  text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind                  text        NOT NULL DEFAULT 'customer' CHECK (kind IN ('customer', 'platform')),
  rate_limit_per_second double precision CHECK (rate_limit_per_second > 0),
  rate_limit_burst      double precision CHECK (rate_limit_burst >= 1),
  created_at            timestamptz NOT NULL,
  updated_at            timestamptz NOT NULL,
  UNIQUE (region, id)
);

-- The platform itself is a tenant with the nil id: platform-operator API keys belong to it,
-- and operator actions are chained in its audit log.
INSERT INTO tenants (id, region, name, kind, created_at, updated_at)
VALUES ('00000000-0000-0000-0000-000000000000', 'us', 'platform', 'platform', now(), now());

CREATE TABLE api_keys (
  id          uuid        NOT NULL PRIMARY KEY,
  tenant_id   uuid        NOT NULL REFERENCES tenants (id),
  region      text        NOT NULL CHECK (region IN ('us', 'eu')),
  name        text        NOT NULL DEFAULT '',
  -- SHA-256 of the key's secret part: the key itself is shown once and never stored.
  secret_hash bytea       NOT NULL CHECK (length(secret_hash) = 32),
  scopes      text[]      NOT NULL CHECK (scopes <@ ARRAY['read', 'write', 'admin', 'operator']::text[]
                                          AND cardinality(scopes) > 0),
  created_at  timestamptz NOT NULL,
  created_by  text        NOT NULL,
  revoked_at  timestamptz,
  UNIQUE (region, id)
);
CREATE INDEX idx_api_keys_tenant ON api_keys (tenant_id) WHERE revoked_at IS NULL;

CREATE TABLE businesses (
  id                        uuid        NOT NULL PRIMARY KEY,
  tenant_id                 uuid        NOT NULL REFERENCES tenants (id),
  region                    text        NOT NULL CHECK (region IN ('us', 'eu')),
  legal_name                text        NOT NULL,
  dba_name                  text,
  -- tax_id holds HMAC-SHA256(key, normalised tax id) in hex: the keyed hash used for exact
  -- lookup (the seed's hash index). The value itself is only in tax_id_encrypted
  -- (AES-256-GCM: nonce || ciphertext || tag; associated data: tenant id and business id).
  tax_id                    text        CHECK (tax_id ~ '^[0-9a-f]{64}$'),
  tax_id_encrypted          bytea,
  website_url               text,
  country                   text        NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  registration_number       text,
  registration_jurisdiction text,
  address                   jsonb,
  incorporation_date        date,
  description               text,
  version                   integer     NOT NULL DEFAULT 1,
  created_at                timestamptz NOT NULL,
  updated_at                timestamptz NOT NULL,
  deleted_at                timestamptz,
  CHECK ((tax_id IS NULL) = (tax_id_encrypted IS NULL)),
  UNIQUE (region, id)
);

-- Seed 7.2, valid as written.
CREATE INDEX idx_businesses_tenant_lookup
  ON businesses (tenant_id, created_at DESC, id)
  WHERE deleted_at IS NULL;

CREATE INDEX idx_businesses_search_text
  ON businesses USING gin (to_tsvector('english', legal_name || ' ' || COALESCE(dba_name, '')))
  WHERE deleted_at IS NULL;

CREATE INDEX idx_businesses_tax_id_hash
  ON businesses USING hash (tax_id)
  WHERE tax_id IS NOT NULL AND deleted_at IS NULL;

CREATE TABLE business_owners (
  id                uuid        NOT NULL PRIMARY KEY,
  business_id       uuid        NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
  tenant_id         uuid        NOT NULL REFERENCES tenants (id),
  region            text        NOT NULL CHECK (region IN ('us', 'eu')),
  position          smallint    NOT NULL CHECK (position >= 0),
  name              text        NOT NULL,
  date_of_birth     date,
  nationality       text        CHECK (nationality ~ '^[A-Z]{2}$'),
  ownership_percent numeric(5, 2) CHECK (ownership_percent >= 0 AND ownership_percent <= 100),
  created_at        timestamptz NOT NULL,
  UNIQUE (region, id),
  UNIQUE (business_id, position)
);

CREATE TABLE business_classifications (
  id                  uuid          NOT NULL PRIMARY KEY,
  business_id         uuid          NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
  tenant_id           uuid          NOT NULL REFERENCES tenants (id),
  region              text          NOT NULL CHECK (region IN ('us', 'eu')),
  classification_type text          NOT NULL CHECK (classification_type IN ('mcc', 'naics', 'sic')),
  code                text          NOT NULL,
  confidence_score    numeric(5, 4) NOT NULL CHECK (confidence_score >= 0 AND confidence_score <= 1),
  is_primary          boolean       NOT NULL,
  model_version       text          NOT NULL,
  evidence            jsonb         NOT NULL DEFAULT '[]',
  created_at          timestamptz   NOT NULL,
  UNIQUE (region, id)
);
CREATE INDEX idx_business_classifications_business
  ON business_classifications (business_id, created_at DESC);

-- Seed 7.2, valid as written.
CREATE INDEX idx_classifications_code_lookup
  ON business_classifications (classification_type, code, confidence_score DESC)
  WHERE is_primary = true;

CREATE TABLE risk_assessments (
  id            uuid         NOT NULL PRIMARY KEY,
  business_id   uuid         NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
  tenant_id     uuid         NOT NULL REFERENCES tenants (id),
  region        text         NOT NULL CHECK (region IN ('us', 'eu')),
  overall_score numeric(5, 2) NOT NULL CHECK (overall_score >= 0 AND overall_score <= 100),
  risk_level    text         NOT NULL CHECK (risk_level IN ('low', 'medium', 'high', 'critical')),
  factors       jsonb        NOT NULL DEFAULT '[]',
  rules_version text         NOT NULL DEFAULT '',
  assessed_at   timestamptz  NOT NULL,
  UNIQUE (region, id)
);

-- Seed: ON risk_assessments(business_id, assessed_at DESC, id)
--       WHERE assessed_at > NOW() - INTERVAL '90 days'
-- NOW() is not immutable, so the predicate is dropped; the index still serves the
-- "latest assessment per business" lookups (DISTINCT ON business_id ... ORDER BY
-- assessed_at DESC) of the search and trend queries.
CREATE INDEX idx_risk_assessments_recent
  ON risk_assessments (business_id, assessed_at DESC, id);

-- Seed: ON risk_assessments(overall_score, risk_level, assessed_at)
--       WHERE assessed_at > NOW() - INTERVAL '30 days'   (same problem, same remedy)
CREATE INDEX idx_risk_assessments_score_range
  ON risk_assessments (overall_score, risk_level, assessed_at);

-- Seed: idx_businesses_high_risk ON businesses(id, legal_name, created_at)
--       WHERE id IN (SELECT business_id FROM risk_assessments WHERE overall_score > 70
--                    AND assessed_at > NOW() - INTERVAL '30 days')
-- An index predicate cannot hold a subquery (nor NOW()). The equivalent indexes the
-- qualifying assessments themselves with a constant predicate; "high-risk businesses of
-- the last 30 days" is an index range scan on assessed_at joined to businesses by key.
CREATE INDEX idx_risk_assessments_high_risk
  ON risk_assessments (assessed_at DESC, business_id)
  WHERE overall_score > 70;

-- Audit log: partitioned by month, hash-chained per tenant.
CREATE TABLE audit_logs (
  id          uuid        NOT NULL,
  tenant_id   uuid        NOT NULL,
  region      text        NOT NULL CHECK (region IN ('us', 'eu')),
  seq         bigint      NOT NULL,
  actor       text        NOT NULL,
  action      text        NOT NULL,
  target_type text        NOT NULL,
  target_id   text,
  request_id  text,
  details     jsonb       NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL,
  prev_hash   text        NOT NULL,
  row_hash    text        NOT NULL,
  PRIMARY KEY (id, created_at),
  UNIQUE (region, id, created_at)
) PARTITION BY RANGE (created_at);

-- Seed: ON audit_logs(tenant_id, created_at DESC) WHERE created_at > NOW() - INTERVAL '1 year'
-- The time window comes from the monthly partitions instead (old months are detached by
-- retention), so the index has no predicate.
CREATE INDEX idx_audit_logs_tenant_time ON audit_logs (tenant_id, created_at DESC);
CREATE INDEX idx_audit_logs_tenant_seq ON audit_logs (tenant_id, seq);

-- Rows whose month has no partition yet land here rather than failing the write;
-- kyb_ensure_audit_partitions() keeps partitions made ahead so it stays empty.
CREATE TABLE audit_logs_default PARTITION OF audit_logs DEFAULT;

-- The head of each tenant's chain. Appending locks the tenant's head row, so concurrent
-- transactions of one tenant append one after another, in commit order.
CREATE TABLE audit_chain_heads (
  tenant_id uuid   NOT NULL PRIMARY KEY,
  seq       bigint NOT NULL,
  hash      text   NOT NULL
);

-- The canonical text of an audit row that the chain hashes. The verifier
-- (actors/audit/audit_chain.cpp) rebuilds exactly this text from the stored columns.
-- Fields are joined by the ASCII unit separator; NULLs become empty strings; created_at
-- is written as Unix microseconds; details as jsonb's normalised text.
CREATE FUNCTION kyb_audit_canonical(p_seq bigint, p_id uuid, p_tenant uuid, p_region text,
                                    p_actor text, p_action text, p_target_type text,
                                    p_target_id text, p_request_id text, p_details jsonb,
                                    p_created_at timestamptz)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT concat_ws(chr(31), p_seq::text, p_id::text, p_tenant::text, p_region, p_actor,
                   p_action, p_target_type, COALESCE(p_target_id, ''),
                   COALESCE(p_request_id, ''), p_details::text,
                   (extract(epoch FROM p_created_at) * 1000000)::bigint::text)
$$;

-- Appends one audit row to the tenant's chain inside the caller's transaction:
-- row_hash = sha256(prev_hash || canonical row), hex.
CREATE FUNCTION kyb_audit_append(p_id uuid, p_tenant uuid, p_region text, p_actor text,
                                 p_action text, p_target_type text, p_target_id text,
                                 p_request_id text, p_details jsonb)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  head_seq  bigint;
  head_hash text;
  ts        timestamptz := date_trunc('milliseconds', clock_timestamp());
  new_hash  text;
BEGIN
  INSERT INTO audit_chain_heads (tenant_id, seq, hash)
  VALUES (p_tenant, 0, repeat('0', 64))
  ON CONFLICT (tenant_id) DO NOTHING;
  SELECT seq, hash INTO head_seq, head_hash
  FROM audit_chain_heads WHERE tenant_id = p_tenant FOR UPDATE;
  new_hash := encode(sha256(convert_to(head_hash || kyb_audit_canonical(
                head_seq + 1, p_id, p_tenant, p_region, p_actor, p_action, p_target_type,
                p_target_id, p_request_id, p_details, ts), 'UTF8')), 'hex');
  INSERT INTO audit_logs (id, tenant_id, region, seq, actor, action, target_type, target_id,
                          request_id, details, created_at, prev_hash, row_hash)
  VALUES (p_id, p_tenant, p_region, head_seq + 1, p_actor, p_action, p_target_type,
          p_target_id, p_request_id, p_details, ts, head_hash, new_hash);
  UPDATE audit_chain_heads SET seq = head_seq + 1, hash = new_hash WHERE tenant_id = p_tenant;
  RETURN head_seq + 1;
END
$$;

-- Makes the monthly partitions of audit_logs from this month to `months_ahead` ahead.
CREATE FUNCTION kyb_ensure_audit_partitions(months_ahead int) RETURNS int
LANGUAGE plpgsql AS $$
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
      made := made + 1;
    END IF;
  END LOOP;
  RETURN made;
END
$$;

SELECT kyb_ensure_audit_partitions(3);

-- API usage: per node, tenant, endpoint template, method, status and minute, written in
-- batches off the request path.
CREATE TABLE api_usage (
  id                uuid             NOT NULL PRIMARY KEY,
  tenant_id         uuid             NOT NULL,
  region            text             NOT NULL CHECK (region IN ('us', 'eu')),
  node_id           text             NOT NULL,
  endpoint          text             NOT NULL,
  method            text             NOT NULL,
  status_code       smallint         NOT NULL,
  request_count     bigint           NOT NULL CHECK (request_count > 0),
  duration_seconds  double precision NOT NULL,
  created_at        timestamptz      NOT NULL,
  UNIQUE (region, id)
);

-- Seed: ON api_usage(tenant_id, endpoint, created_at) WHERE created_at > NOW() - INTERVAL '30 days'
-- (NOW() again: the index covers all rows; retention deletes old ones.)
CREATE INDEX idx_api_usage_tenant_endpoint_time ON api_usage (tenant_id, endpoint, created_at);
CREATE INDEX idx_api_usage_tenant_time ON api_usage (tenant_id, created_at);
