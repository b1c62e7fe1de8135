// The one place that registers the persistence layer's message types with CAF.
#pragma once

#include <caf/actor_system_config.hpp>

namespace kyb::persistence {

/// Registers pg_statement, pg_batch, pg_rows, pg_copy, redis_reply and their vectors,
/// so that they can cross node boundaries and print in logs. Call once per config,
/// before constructing the actor_system.
void register_types(caf::actor_system_config& cfg);

} // namespace kyb::persistence
