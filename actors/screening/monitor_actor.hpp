// Ongoing monitoring: after a reload changed the lists, every stored (not deleted)
// business is re-screened in the background and new hits are recorded. Each business is
// re-screened by its own business actor, as its own tenant, so isolation and the audit
// trail are those of any screening. Paced (screening.monitor_rate per second, at most
// screening.monitor_concurrency in flight) and fair: tenants take turns, so a tenant with
// a million businesses does not hold up one with ten. One node per region runs a given
// change: a run is claimed in PostgreSQL (screening_monitor_runs) before it starts.
#pragma once

#include <string>
#include <vector>

#include <caf/typed_actor.hpp>

#include "actors/messages.hpp"
#include "actors/platform.hpp"
#include "actors/screening/screening_actor.hpp"

namespace kyb::actors {

/// A change to monitor.
struct monitor_job {
  std::string generation;                 ///< The generation now serving.
  std::vector<std::string> changed_lists; ///< What changed (for the run's record).
  screening_actor screening;              ///< Who screens the names.
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, monitor_job& x) {
  return f(x.generation, x.changed_lists, x.screening);
}

using monitor_actor = caf::typed_actor<
    /// Starts re-screening for `job` (a run in progress for an older generation is
    /// superseded and stops).
    caf::reacts_to<monitor_atom, monitor_job>,
    /// Progress for one tenant, or for the whole platform when the id is nil.
    caf::replies_to<progress_atom, base::uuid>::with<monitor_progress>,
    /// The pacing timer.
    caf::reacts_to<tick_atom, uint64_t>>;

monitor_actor spawn_monitor_actor(caf::actor_system& sys, platform_ptr p);

} // namespace kyb::actors
