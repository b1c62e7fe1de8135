-- 0003_cluster: shard leases, the fencing tokens of the distributed runtime.
--
-- Entities (tenants, businesses) are grouped into a fixed number of shards; the cluster
-- places shards on live nodes by consistent hashing. A node that becomes a shard's owner
-- takes its lease: the epoch goes up by one. Every write of an entity checks, inside its
-- own transaction, that the epoch its node holds is still the shard's epoch
-- (kyb_check_fence), so a node that was declared down and comes back (a resumed SIGSTOP,
-- a partition healing) cannot write with its old epoch.
--
-- Leases belong to one region's cluster and are not replicated.

CREATE TABLE shard_leases (
  shard             integer     NOT NULL PRIMARY KEY CHECK (shard >= 0),
  owner_node        text,
  owner_incarnation text,
  epoch             bigint      NOT NULL DEFAULT 0,
  acquired_at       timestamptz
);

-- Enough rows for any cluster.shards setting up to 4096.
INSERT INTO shard_leases (shard) SELECT g FROM generate_series(0, 4095) AS g;

-- Raises SQLSTATE KY503 (mapped to errc::fenced) unless `p_epoch` is the shard's
-- current epoch. FOR SHARE: a takeover (UPDATE) waits for writes in flight under the old
-- epoch, and every write after the takeover sees the new one.
CREATE FUNCTION kyb_check_fence(p_shard integer, p_epoch bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  current bigint;
BEGIN
  SELECT epoch INTO current FROM shard_leases WHERE shard = p_shard FOR SHARE;
  IF current IS NULL OR current <> p_epoch THEN
    RAISE EXCEPTION 'shard % is fenced: epoch % is no longer current (now %)',
      p_shard, p_epoch, current USING ERRCODE = 'KY503';
  END IF;
  RETURN current;
END
$$;
