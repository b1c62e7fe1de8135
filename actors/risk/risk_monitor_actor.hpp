// Ongoing risk monitoring on one node: when something an assessment read changes (a
// screening or a decision on a hit, a reclassification, the record, the tenant's rules,
// the reference data), the business is re-assessed in the background
// (assessment_type = monitoring) by its own business actor, as its own tenant. Paced at
// risk.monitor_rate per second with at most risk.monitor_concurrency in flight; a
// business queued twice is re-assessed once. A re-assessment that finds nothing changed
// writes no row; a level change is recorded as a risk.level_changed event (outbox).
//
// It also owns the reference data's refresh: every risk.refresh_interval (and on
// POST /v1/admin/risk/reload) the configured files are read again, and a new version
// replaces the serving one and re-assesses every assessed business.
#pragma once

#include <caf/actor_system.hpp>

#include "actors/platform.hpp"
#include "actors/risk/risk_monitor.hpp"

namespace kyb::actors {

risk_monitor_actor spawn_risk_monitor(caf::actor_system& sys, platform_ptr p);

} // namespace kyb::actors
