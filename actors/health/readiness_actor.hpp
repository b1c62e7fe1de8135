// Answers /ready: PostgreSQL reachable with every migration applied, Redis reachable.
// Results are cached briefly so that probes cost little.
#pragma once

#include <string>
#include <vector>

#include <caf/typed_actor.hpp>

#include "actors/messages.hpp"
#include "actors/platform.hpp"

namespace kyb::actors {

struct readiness_check {
  std::string name; ///< "postgresql", "migrations", "redis", "screening"
  bool ok = false;
  std::string detail;
  /// Serving, with a part missing (screening without some or all of its lists): the
  /// node stays ready, /ready says "degraded".
  bool degraded = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, readiness_check& x) {
  return f(x.name, x.ok, x.detail, x.degraded);
}

struct readiness {
  bool ready = false;
  std::vector<readiness_check> checks;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, readiness& x) {
  return f(x.ready, x.checks);
}

using readiness_actor = caf::typed_actor<caf::replies_to<health_atom>::with<readiness>>;

/// `expected_migration` is the newest migration version this build knows.
readiness_actor spawn_readiness_actor(caf::actor_system& sys, platform_ptr p,
                                      int expected_migration);

} // namespace kyb::actors
