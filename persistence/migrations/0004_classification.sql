-- 0004_classification: what a stored industry classification needs beyond the seed's
-- columns (issue 4).
--
-- One classification of a business is a set of rows written in one transaction: the
-- primary MCC (is_primary) and up to four alternates (rank 1..4), the NAICS 2022 code,
-- its two-digit sector and the SIC code. They share `classification_id` (UUIDv7, so the
-- latest set is the greatest id). `cache_key` is the key of the inputs and model the set
-- was computed from (runtime/cache/cache_key.hpp): a business actor activated again
-- serves a stored set whose key still matches instead of classifying again.

ALTER TABLE business_classifications
  ADD COLUMN classification_id uuid,
  ADD COLUMN title text NOT NULL DEFAULT '',
  ADD COLUMN rank smallint NOT NULL DEFAULT 0 CHECK (rank >= 0),
  ADD COLUMN cache_key text NOT NULL DEFAULT '';
UPDATE business_classifications SET classification_id = id WHERE classification_id IS NULL;
ALTER TABLE business_classifications ALTER COLUMN classification_id SET NOT NULL;

-- The sector is a code of its own ("44-45"), looked up like the others (the seed's
-- idx_classifications_code_lookup serves classification_type = 'naics_sector').
ALTER TABLE business_classifications
  DROP CONSTRAINT business_classifications_classification_type_check,
  ADD CONSTRAINT business_classifications_classification_type_check
    CHECK (classification_type IN ('mcc', 'naics', 'naics_sector', 'sic'));

CREATE INDEX idx_business_classifications_latest
  ON business_classifications (business_id, classification_id DESC);
