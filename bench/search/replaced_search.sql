-- The business search statement before migration 0019 (persistence/queries.cpp at
-- f2ae935), for bench/search/run.sh to measure against: $1 tenant, $2 text, $3 tax id
-- hash, $4 limit. It reads the expression index run.sh makes again for it.
WITH business_search AS (
  SELECT b.id, b.legal_name, b.dba_name, b.website_url, b.country, b.created_at,
    ts_rank(to_tsvector('english', b.legal_name || ' ' || COALESCE(b.dba_name, '')),
            plainto_tsquery('english', $2)) AS relevance_score
  FROM businesses b
  WHERE b.tenant_id = $1 AND b.deleted_at IS NULL
    AND (to_tsvector('english', b.legal_name || ' ' || COALESCE(b.dba_name, ''))
           @@ plainto_tsquery('english', $2)
         OR b.tax_id = $3)
  ORDER BY relevance_score DESC, b.created_at DESC
  LIMIT $4
), risk_data AS (
  SELECT DISTINCT ON (ra.business_id) ra.business_id, ra.overall_score, ra.risk_level,
    ra.assessed_at
  FROM risk_assessments ra
  WHERE ra.business_id IN (SELECT id FROM business_search)
  ORDER BY ra.business_id, ra.assessed_at DESC
)
SELECT bs.id, bs.legal_name, bs.dba_name, bs.website_url, bs.country, bs.created_at,
  bs.relevance_score, rd.overall_score, rd.risk_level, rd.assessed_at
FROM business_search bs LEFT JOIN risk_data rd ON bs.id = rd.business_id
ORDER BY bs.relevance_score DESC, bs.created_at DESC
