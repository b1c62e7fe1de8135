// Registers the runtime's message types (membership, leases, supervision) with CAF.
#pragma once

#include <caf/fwd.hpp>

namespace kyb::runtime {

void register_types(caf::actor_system_config& cfg);

} // namespace kyb::runtime
