// Cache warming: loads entries into the actor-local caches before
// anyone asks for them. A warm run activates the chosen businesses' actors (their state
// is then served from memory) and has each put its stored classification, when it still
// fits its inputs and the node's model, into its classification cache; nothing is
// computed or written. Runs:
//   - "schedule": at cache.warm_schedule (cron, UTC; daily at 02:00 by default), over the
//     businesses carrying the most common primary MCC codes (cache.warm_top_codes codes,
//     at most cache.warm_max_businesses, most recently classified first);
//   - "model_load": the same set once the node has loaded its model (a model changes
//     only with a restart);
//   - "import": the businesses a completed bulk import created (the first
//     cache.warm_max_businesses);
//   - "manual": POST /v1/admin/cache/warm.
// After a sanctions list reload the business actors' screening caches are warmed by
// ongoing monitoring (actors/screening/monitor_actor.hpp), which re-screens every
// business through its actor.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/typed_actor.hpp>

#include "actors/messages.hpp"
#include "actors/platform.hpp"

namespace kyb::actors {

/// What a warm run did.
struct warm_report {
  std::string trigger;
  int64_t requested = 0;       ///< businesses asked to warm
  int64_t warmed = 0;          ///< of those, loaded (present and reachable)
  int64_t classifications = 0; ///< stored classifications put in their caches
  double ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, warm_report& x) {
  return f(x.trigger, x.requested, x.warmed, x.classifications, x.ms);
}

using cache_warmer_actor = caf::typed_actor<
    /// Warms `businesses`, or (when empty) the businesses of the most common MCC codes.
    caf::replies_to<warm_atom, std::string /*trigger*/,
                    std::vector<base::uuid>>::with<warm_report>,
    /// The schedule's timer (internal).
    caf::reacts_to<tick_atom>>;

/// Spawns the warmer for the node's model `model_version` ("" without one: runs then
/// only load businesses); with a valid cache.warm_schedule it arms its timer.
cache_warmer_actor spawn_cache_warmer(caf::actor_system& sys, platform_ptr p,
                                      std::string model_version);

void register_cache_types(caf::actor_system_config& cfg);

} // namespace kyb::actors
