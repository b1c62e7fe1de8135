// The node's registry service (actors/registry/business_registry.hpp's registry_actor):
// one actor per node that looks a business up in company registries — GLEIF, UK
// Companies House, SEC EDGAR, OpenCorporates — by running the registry engine's step
// machine (actors/registry/registry_plan.hpp) over the outbound HTTP client: each step's
// requests in parallel, every registry of a job in parallel, each lookup within
// registry.timeout. Base URLs, keys and the SEC's User-Agent come from registry.*; a
// registry without its key is not asked unless named (then 422). Counts
// kyb_registry_lookups_total{registry,result}.
#pragma once

#include <memory>

#include <caf/actor_system.hpp>

#include "actors/registry/business_registry.hpp"
#include "actors/registry/registry_plan.hpp"
#include "config/settings.hpp"
#include "net/outbound_client.hpp"

namespace kyb::net {

/// The adapter settings of `registry` from registry.*.
registry::adapter_config registry_adapter_config(const config::registry_settings& s,
                                                 registry::registry_kind registry);

/// Which registries registry.* makes available (keys, token, User-Agent present).
registry::registry_availability
registry_availability_of(const config::registry_settings& s);

struct registry_service_parts {
  std::shared_ptr<outbound_client> client;
  config::registry_settings settings;
};

/// Spawns the service.
actors::registry_actor spawn_registry_service(caf::actor_system& sys,
                                              registry_service_parts parts);

} // namespace kyb::net
