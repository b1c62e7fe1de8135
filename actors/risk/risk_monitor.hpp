// The handle of a node's risk monitor (actors/risk/risk_monitor_actor.hpp): what others
// tell it. Separate from the actor's spawn so that the platform can hold its slot.
#pragma once

#include <string>

#include <caf/typed_actor.hpp>

#include "actors/messages.hpp"
#include "runtime/base/uuid.hpp"

namespace kyb::actors {

using reassess_atom = caf::atom_constant<caf::atom("reassess")>;

/// What the risk monitor has done since the node started.
struct risk_monitor_status {
  std::string reference_version; ///< The reference data serving.
  uint64_t queued = 0;           ///< Businesses waiting for a re-assessment.
  uint64_t in_flight = 0;
  uint64_t reassessed = 0; ///< New assessments written.
  uint64_t unchanged = 0;  ///< Nothing they read had changed: no row.
  uint64_t skipped = 0;    ///< Never assessed, deleted, or written in another region.
  uint64_t failed = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, risk_monitor_status& x) {
  return f(caf::meta::type_name("kyb::risk_monitor_status"), x.reference_version,
           x.queued, x.in_flight, x.reassessed, x.unchanged, x.skipped, x.failed);
}

using risk_monitor_actor = caf::typed_actor<
    /// An input of business `id` of `tenant` (residency `region`) changed (a screening,
    /// a decision, a classification, its record): re-assess it in the background if it
    /// was ever assessed. Repeated notices of a queued business are one re-assessment.
    caf::reacts_to<monitor_atom, base::uuid, base::uuid, std::string>,
    /// The rules of `tenant` changed (nil: the reference data of every tenant):
    /// re-assess every assessed business of it.
    caf::reacts_to<reassess_atom, base::uuid>,
    /// Re-reads the configured reference files now; answers the status afterwards
    /// (a changed version re-assesses every assessed business). Errors: the files'
    /// problems (unprocessable); the data serving stays.
    caf::replies_to<reload_atom>::with<risk_monitor_status>,
    /// What it has done.
    caf::replies_to<progress_atom>::with<risk_monitor_status>,
    /// Internal: the pacing timer and the scheduled reference refresh.
    caf::reacts_to<tick_atom>, caf::reacts_to<refresh_atom>>;

} // namespace kyb::actors
