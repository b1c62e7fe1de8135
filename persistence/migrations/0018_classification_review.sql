-- 0018_classification_review: a classification whose primary MCC is less confident than
-- classification.review_below says so (issue 19). Every row of the classification's set
-- carries the flag, so a compliance team's review queue is one indexed query:
--
--   SELECT business_id, code, confidence_score, created_at FROM business_classifications
--   WHERE tenant_id = $1 AND needs_review AND classification_type = 'mcc' AND is_primary
--   ORDER BY created_at DESC;
--
-- Rows stored before have false (they were never judged). The column replicates with the
-- table (logical replication sends every column; each region runs this migration).
ALTER TABLE business_classifications
  ADD COLUMN needs_review boolean NOT NULL DEFAULT false;

CREATE INDEX idx_business_classifications_review
  ON business_classifications (tenant_id, created_at DESC)
  WHERE needs_review AND classification_type = 'mcc' AND is_primary;
