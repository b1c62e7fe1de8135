// The region replica actor: one per region on each node, on a thread of its own (it
// holds a blocking libpq session to that region's PostgreSQL for replication control).
// It rewrites the heartbeat rows of the table groups its region is the source of, and
// answers samples of what replication looks like from its region: slots and their lag
// (as a publisher), heartbeat ages and apply errors (as a subscriber), and its fence.
// A second instance per region answers only probes (failure detection must not wait
// behind a slow sample).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/atom.hpp>

#include "regions/replication_plan.hpp"

namespace kyb::regions {

using sample_atom = caf::atom_constant<caf::atom("rsample")>;
using probe_atom = caf::atom_constant<caf::atom("rprobe")>;
using beat_atom = caf::atom_constant<caf::atom("rbeat")>;
using beat_groups_atom = caf::atom_constant<caf::atom("rbeatgrps")>;

/// Spawns the actor of `region` (detached). Messages:
///   (sample_atom) -> std::string: the sample as JSON (see region_replica.cpp)
///   (probe_atom) -> bool: the region answered SELECT 1
///   (beat_groups_atom, std::vector<std::string>): the groups whose heartbeats it writes
///     every `heartbeat_interval` (none until told)
caf::actor spawn_region_replica(caf::actor_system& sys, region_info region,
                                std::chrono::milliseconds heartbeat_interval);

} // namespace kyb::regions
