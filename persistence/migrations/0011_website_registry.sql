-- 0011_website_registry: what website analysis and registry lookups store (MISSION.md
-- sections 7 and 8).
--
--  * website_analyses: one row per analysis of a business's website: the URL asked for
--    and where it ended, the outcome (analysed, unreachable, refused), the result document
--    (reachability, TLS, text facts, contacts, content signals, consistency), the cache key
--    that says when a later request may reuse it, and who asked.
--  * registry_lookups: one row per lookup in one registry: the registry, the entity it
--    matched and how well, the registry's status in its own word and normalised, the
--    normalised result document, the SHA-256 of every raw document it read, and who asked.
--
-- Both carry `region` and UUID keys with UNIQUE (region, id) as replica identity, are
-- replicated with the businesses group (regions/replication_plan.cpp), and have the
-- replica guard trigger that region replicas enable (0007).

CREATE TABLE website_analyses (
  id             uuid        NOT NULL PRIMARY KEY,
  business_id    uuid        NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
  tenant_id      uuid        NOT NULL REFERENCES tenants (id),
  region         text        NOT NULL CHECK (region IN ('us', 'eu')),
  requested_url  text        NOT NULL,
  final_url      text        NOT NULL DEFAULT '',
  outcome        text        NOT NULL CHECK (outcome IN ('analysed', 'unreachable', 'refused')),
  http_status    integer     NOT NULL DEFAULT 0 CHECK (http_status >= 0 AND http_status < 1000),
  result         jsonb       NOT NULL CHECK (jsonb_typeof(result) = 'object'),
  cache_key      text        NOT NULL,
  created_by     text        NOT NULL,
  analysed_at    timestamptz NOT NULL,
  UNIQUE (region, id)
);
ALTER TABLE website_analyses REPLICA IDENTITY USING INDEX website_analyses_region_id_key;
-- The latest analysis of a business, and its history, newest first.
CREATE INDEX idx_website_analyses_business
  ON website_analyses (business_id, analysed_at DESC, id);

CREATE TABLE registry_lookups (
  id               uuid        NOT NULL PRIMARY KEY,
  business_id      uuid        NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
  tenant_id        uuid        NOT NULL REFERENCES tenants (id),
  region           text        NOT NULL CHECK (region IN ('us', 'eu')),
  registry         text        NOT NULL CHECK (registry ~ '^[a-z_]{2,40}$'),
  outcome          text        NOT NULL CHECK (outcome IN ('matched', 'not_found', 'failed')),
  entity_id        text        NOT NULL DEFAULT '',
  match_confidence numeric(5, 4) NOT NULL DEFAULT 0
                     CHECK (match_confidence >= 0 AND match_confidence <= 1),
  status           text        NOT NULL DEFAULT 'unknown'
                     CHECK (status IN ('active', 'inactive', 'dissolved', 'unknown')),
  registry_status  text        NOT NULL DEFAULT '',
  result           jsonb       NOT NULL CHECK (jsonb_typeof(result) = 'object'),
  document_hashes  text[]      NOT NULL DEFAULT '{}',
  cache_key        text        NOT NULL,
  created_by       text        NOT NULL,
  looked_up_at     timestamptz NOT NULL,
  UNIQUE (region, id)
);
ALTER TABLE registry_lookups REPLICA IDENTITY USING INDEX registry_lookups_region_id_key;
-- The latest lookup of a business (in any or one registry), newest first.
CREATE INDEX idx_registry_lookups_business
  ON registry_lookups (business_id, looked_up_at DESC, id);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['website_analyses', 'registry_lookups'] LOOP
    EXECUTE format('CREATE TRIGGER kyb_replica_guard BEFORE INSERT OR UPDATE OR DELETE '
                   'ON %I FOR EACH ROW EXECUTE FUNCTION kyb_replica_guard()', t);
    EXECUTE format('ALTER TABLE %I DISABLE TRIGGER kyb_replica_guard', t);
  END LOOP;
END
$$;
