// The node's sanctions screening service: one actor per node that owns the index
// snapshot in service, screens and compares names on it, reports the loaded lists, and
// reloads them (at start, on schedule, on request) without interrupting screenings:
// downloads run on the downloader's thread, the next index is built on a thread of its
// own, and only the finished snapshot is swapped in. A failed reload (a broken file, a
// failed download with no earlier copy) leaves the current snapshot serving and reports
// the file and line. When a reload changes the lists, the monitor re-screens the stored
// businesses.
#pragma once

#include <string>
#include <vector>

#include <caf/typed_actor.hpp>

#include "actors/health/readiness_actor.hpp"
#include "actors/messages.hpp"
#include "actors/platform.hpp"
#include "actors/screening/list_download.hpp"
#include "actors/screening/screening_messages.hpp"

namespace kyb::actors {

using screening_actor = caf::typed_actor<
    /// Screens one name (POST /v1/screenings). Errors: invalid_argument naming the
    /// field; unavailable while no lists are loaded.
    caf::replies_to<screen_atom,
                    screening::screening_query>::with<screening::screening_result>,
    /// Screens several names on one snapshot (a business's names); a name that fails
    /// validation is reported in its subject_hits, not as an error of the batch.
    caf::replies_to<screen_atom,
                    std::vector<screening::screening_query>>::with<batch_screening>,
    /// Scores name_a against name_b with the serving index's weights; the type is
    /// "" (any), individual, entity, vessel or aircraft.
    caf::replies_to<compare_atom, std::string, std::string,
                    std::string>::with<screening::comparison>,
    /// The generation serving now: changes whenever a list's content or the threshold
    /// changes (stored screenings are cached under it). unavailable when none.
    caf::replies_to<generation_atom>::with<std::string>,
    /// The loaded lists, the last reload and the monitoring progress as `who` may see
    /// them (a tenant sees its own businesses' progress; operators the platform's).
    caf::replies_to<list_atom, principal>::with<lists_status>,
    /// Reloads now (`trigger`: "api", "schedule"...) and answers when done. A request
    /// during a reload is served by the next one.
    caf::replies_to<reload_atom, std::string>::with<reload_report>,
    /// The "screening" check of /ready: ok (screening never makes a node unready),
    /// degraded while lists are loading, failing or all missing.
    caf::replies_to<health_atom>::with<readiness_check>,
    /// The scheduled refresh (screening.refresh_interval): a self-rescheduling timer.
    caf::reacts_to<refresh_atom>,
    /// The retry of a reload in which lists failed (screening.retry_interval, doubling);
    /// the number tells a current retry from one a later reload made stale.
    caf::reacts_to<tick_atom, uint64_t>>;

/// Spawns the node's screening actor. It starts loading the configured lists at once,
/// fetches publisher URLs through `downloader` (which it links to), and spawns the
/// monitor that re-screens stored businesses after a change.
screening_actor spawn_screening_actor(caf::actor_system& sys, platform_ptr p,
                                      downloader_actor downloader);

} // namespace kyb::actors
