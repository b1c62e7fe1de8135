-- kyb:no-transaction
-- 0019_business_search: business search that stays fast at a million businesses in a
-- tenant and several million in the table.
--
-- Before, the search ranked every match: a common word ("pizza", "bank", "llc") made
-- PostgreSQL fetch and rank tens or hundreds of thousands of rows, computing
-- to_tsvector again for each one for ts_rank, through a GIN index over every tenant's
-- names (a small tenant paid for the others' matches). Now:
--  * search_vector: the names' tsvector, stored (computed on write, never on read);
--  * idx_businesses_tenant_search: GIN over (tenant_id, search_vector) (btree_gin gives
--    the uuid a GIN operator class), so a search reads its own tenant's postings only;
--  * kyb_business_search(): ranks the newest p_candidates matches, not all of them. It
--    plans each call for its own text (plan_cache_mode = force_custom_plan): a rare
--    word is found through the GIN index and its matches sorted by age; a common one by
--    walking idx_businesses_tenant_lookup (tenant, newest first) until p_candidates
--    match. Either way the work is bounded by p_candidates, whatever the word.
-- Exact tax id matches (p_tax_id, the keyed hash) are always included.
-- bench/search/run.sh measures it against the statement it replaces, with the plans.
--
-- Statements run one by one and each is re-runnable. CONCURRENTLY (outside a
-- transaction): businesses is a large live table. Adding the stored column rewrites the
-- table once (about a minute a million rows on a small server): plan it as maintenance.
CREATE EXTENSION IF NOT EXISTS btree_gin;

ALTER TABLE businesses ADD COLUMN IF NOT EXISTS search_vector tsvector
  GENERATED ALWAYS AS (to_tsvector('english', legal_name || ' ' || COALESCE(dba_name, '')))
  STORED;

CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_businesses_tenant_search
  ON businesses USING gin (tenant_id, search_vector)
  WHERE deleted_at IS NULL;

DROP INDEX CONCURRENTLY IF EXISTS idx_businesses_search_text;

-- The ids and relevance of up to p_limit businesses of p_tenant whose names match
-- p_text (plainto_tsquery, English), best first, then newest; relevance is ts_rank over
-- the newest p_candidates matches; the business whose tax id hash is p_tax_id (NULL:
-- none) is among them with its own rank (0 when its names do not match).
CREATE OR REPLACE FUNCTION kyb_business_search(p_tenant uuid, p_text text, p_tax_id text,
                                               p_limit integer, p_candidates integer)
RETURNS TABLE (business_id uuid, relevance_score real)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_custom_plan
AS $$
BEGIN
  RETURN QUERY
  WITH candidates AS (
    SELECT b.id, b.created_at, b.search_vector
    FROM businesses b
    WHERE b.tenant_id = p_tenant AND b.deleted_at IS NULL
      AND b.search_vector @@ plainto_tsquery('english', p_text)
    ORDER BY b.created_at DESC, b.id DESC
    LIMIT p_candidates
  ), by_tax_id AS (
    SELECT b.id, b.created_at, b.search_vector
    FROM businesses b
    WHERE p_tax_id IS NOT NULL AND b.tax_id = p_tax_id AND b.tenant_id = p_tenant
      AND b.deleted_at IS NULL
  ), found AS (
    SELECT * FROM candidates UNION SELECT * FROM by_tax_id
  )
  SELECT f.id, ts_rank(f.search_vector, plainto_tsquery('english', p_text))
  FROM found f
  ORDER BY 2 DESC, f.created_at DESC, f.id DESC
  LIMIT p_limit;
END
$$;
