-- 0017_duplicate_tax_ids: one policy for a tax id that a live business of the tenant
-- already has (issue 23). A single create, an update that changes the tax id and every
-- row of a bulk import are refused alike (409 naming the existing business; a bulk row
-- fails with the same detail), unless the request says allow_duplicate_tax_id=true.
--
-- kyb_expect_unique_tax_ids(tenant, tax ids, self) runs first in the writing batch, in
-- its transaction: it takes one transaction-scoped advisory lock per (tenant, tax id),
-- in one global order (no deadlock between two batches), then raises KY409 if a live
-- business of the tenant other than `self` has one of them. Two creates of one tax id
-- at the same moment are serialised by the lock: the second sees the first's committed
-- row (READ COMMITTED takes a fresh snapshot for each statement of a volatile
-- function) and is refused. The message names the existing business
-- ('tax id taken by business <uuid>'); persistence/pg_error.cpp maps KY409 to conflict
-- and actors/business reads the id back from it.
--
-- tax_id holds the keyed hash of the normalised tax id (never the tax id), so the lock
-- keys and the message carry no personal data.
--
-- import_jobs.allow_duplicate_tax_id keeps a job's choice across resumption: a resumed
-- upload goes on under the policy it started with, and a retry with the same job key
-- and a different choice is a conflict like a different format.
--
-- Regions: import_jobs is replicated with the businesses group; a new column with a
-- default changes neither its replica identity nor the row filter. The function exists
-- in every region's cluster (every migration runs in each).

CREATE FUNCTION kyb_expect_unique_tax_ids(tenant uuid, taxes text[], self uuid)
RETURNS integer
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  k bigint;
  taken uuid;
BEGIN
  FOR k IN
    SELECT DISTINCT hashtextextended(tenant::text || ':' || t, 0)
      FROM unnest(taxes) AS t WHERE t IS NOT NULL ORDER BY 1
  LOOP
    PERFORM pg_advisory_xact_lock(k);
  END LOOP;
  -- One hash-index probe per tax id (as business_tax_duplicates in
  -- persistence/queries.cpp: OFFSET 0 keeps the lateral subquery from becoming a join
  -- that walks the tenant's rows while an import outruns ANALYZE).
  SELECT b.id INTO taken
    FROM unnest(taxes) AS h(tax_id)
    CROSS JOIN LATERAL (SELECT id, tenant_id, created_at FROM businesses
                         WHERE tax_id = h.tax_id AND deleted_at IS NULL OFFSET 0) b
   WHERE b.tenant_id = tenant AND (self IS NULL OR b.id <> self)
   ORDER BY b.created_at, b.id
   LIMIT 1;
  IF taken IS NOT NULL THEN
    RAISE EXCEPTION 'tax id taken by business %', taken
      USING ERRCODE = 'KY409', CONSTRAINT = 'kyb_unique_tax_id';
  END IF;
  RETURN coalesce(array_length(taxes, 1), 0);
END
$$;

ALTER TABLE import_jobs
  ADD COLUMN allow_duplicate_tax_id boolean NOT NULL DEFAULT false;
