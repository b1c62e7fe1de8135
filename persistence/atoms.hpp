// The atoms of the persistence layer's messages. CAF 0.17 atoms: at most 10 characters.
#pragma once

#include <caf/atom.hpp>

namespace kyb::persistence {

/// io_watcher -> owner: `(io_ready_atom, token, readable, writable)`.
using io_ready_atom = caf::atom_constant<caf::atom("io_ready")>;
/// Liveness probe of a connection actor (for /ready); answered with ok_atom.
using ping_atom = caf::atom_constant<caf::atom("ping")>;
/// The positive answer to a ping.
using ok_atom = caf::atom_constant<caf::atom("ok")>;
/// Internal: start the next connection attempt.
using retry_atom = caf::atom_constant<caf::atom("retry")>;
/// Internal: the periodic watchdog of a connection actor.
using tick_atom = caf::atom_constant<caf::atom("tick")>;
/// Internal: a Redis command deadline may have passed.
using deadline_atom = caf::atom_constant<caf::atom("deadline")>;

} // namespace kyb::persistence
