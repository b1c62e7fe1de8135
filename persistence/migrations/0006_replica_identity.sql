-- 0006_replica_identity: the replica identity of every table a region publishes with a
-- row filter on `region`.
--
-- A publication whose row filter uses a column and that publishes UPDATE or DELETE
-- makes those statements fail on the publisher ("cannot update table ... column used in
-- the publication WHERE expression is not part of the replica identity") unless the
-- column is in the replica identity. UNIQUE (region, id) (0001) is that identity.
-- audit_logs is append-only and published for inserts alone, so it needs none (and a
-- partitioned table's identity would have to be set on every monthly partition).

ALTER TABLE tenants REPLICA IDENTITY USING INDEX tenants_region_id_key;
ALTER TABLE businesses REPLICA IDENTITY USING INDEX businesses_region_id_key;
ALTER TABLE business_owners REPLICA IDENTITY USING INDEX business_owners_region_id_key;
ALTER TABLE business_classifications
  REPLICA IDENTITY USING INDEX business_classifications_region_id_key;
ALTER TABLE risk_assessments REPLICA IDENTITY USING INDEX risk_assessments_region_id_key;
