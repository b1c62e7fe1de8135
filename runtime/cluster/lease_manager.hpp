// The fencing tokens of this node: one lease (an epoch in PostgreSQL's shard_leases) per
// shard it owns. Entities ask for their shard's epoch when they activate and put it in
// every write (kyb_check_fence), so a node that lost a shard can no longer write to it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/typed_actor.hpp>

#include "persistence/pg_pool.hpp"
#include "runtime/cluster/member.hpp"
#include "runtime/cluster/placement.hpp"

namespace kyb::runtime {

using verify_atom = caf::atom_constant<caf::atom("lverify")>;

struct shard_lease {
  uint32_t shard = 0;
  int64_t epoch = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shard_lease& x) {
  return f(caf::meta::type_name("kyb::shard_lease"), x.shard, x.epoch);
}

/// What a reconciliation with the database does with one shard this node owns.
enum class lease_verdict {
  keep,  ///< leave the entry as it is (being taken, or the row predates our own take)
  adopt, ///< the row is this incarnation's lease: hold its epoch
  take,  ///< another owner's (or nobody's) row: take the lease
};

/// The rule for one shard: `held`/`acquiring`/`held_epoch` are this node's entry, the
/// row (`row_mine`, `row_epoch`) what a snapshot of shard_leases said. A snapshot read
/// before this node's own take commits shows the old owner with an older epoch: taking
/// again would fence the entities that already got the newer epoch, so it is kept.
lease_verdict reconcile_lease(bool held, bool acquiring, int64_t held_epoch,
                              bool row_mine, int64_t row_epoch) noexcept;

using lease_manager_actor = caf::typed_actor<
    /// The epoch this node holds for `shard`, taking the lease first if needed. Errors:
    /// unavailable when this node does not own the shard (any more).
    caf::replies_to<lease_atom, uint32_t>::with<int64_t>,
    /// A write under (shard, epoch) was fenced: another node took the shard. The lease is
    /// dropped and not taken again until the placement changes (this node's view is
    /// stale).
    caf::reacts_to<lease_atom, uint32_t, int64_t>,
    /// The leases this node holds (for the admin console).
    caf::replies_to<leases_atom>::with<std::vector<shard_lease>>,
    /// The placement changed: drop leases of shards this node no longer owns, take the
    /// leases of shards it now owns (so a failover does not wait for the first request).
    caf::reacts_to<rebalance_atom>,
    /// Internal: reconcile the leases with the database after a placement change.
    caf::reacts_to<verify_atom>>;

lease_manager_actor spawn_lease_manager(caf::actor_system& sys,
                                        std::shared_ptr<placement> p,
                                        persistence::pg_pool db, std::string node_id,
                                        std::string incarnation);

} // namespace kyb::runtime
