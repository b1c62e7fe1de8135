// The region controller of a node: supervises one region replica actor per region
// (and a prober per region), makes replication exist as configured at start
// (idempotently), samples it every poll interval into kyb_replication_* metrics, warns
// at half of each table's lag SLA, keeps the last lag sample per replica as the bound
// on what a failover could lose, decides which groups this region may serve reads of,
// detects a dead region (consecutive failed probes; optionally failing over on its own),
// and runs the region commands of the admin console: status, check, the failover drills
// and failback. Routing changes reach every node through their cluster agents.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "config/settings.hpp"
#include "regions/replication_plan.hpp"
#include "regions/routing.hpp"
#include "runtime/cluster/placement.hpp"

namespace kyb::regions {

struct controller_config {
  std::string node_id;
  std::string self_region;
  std::string data_dir;
  std::vector<region_info> regions;
  std::vector<table_group> groups;
  config::regions_settings settings;
};

struct controller_hooks {
  std::shared_ptr<routing> routes;
  /// Cluster membership: the agents of the other nodes (routing broadcasts).
  std::shared_ptr<runtime::placement> places;
  /// Called after the routing changed: entities of residencies whose writer moved
  /// must stop (they reload wherever they are asked for next).
  std::function<void()> on_switch;
};

/// Parses regions.databases ("REGION=URL" items) into region_info (us_primary marks
/// the primary). Empty when single-region.
std::vector<region_info> configured_regions(const config::settings& s);

/// Spawns the controller; it ensures replication at once and then polls.
/// Messages: (runtime::admin_atom, cmd, args) -> std::string JSON for cmd in
/// region-status, region-check, drill-region-failover REGION, region-failback REGION,
/// region-route JSON (from a peer's controller), region-ensure.
caf::actor spawn_region_controller(caf::actor_system& sys, controller_config cfg,
                                   controller_hooks hooks);

/// Whether an admin command belongs to the region controller.
bool is_region_command(const std::string& cmd);

} // namespace kyb::regions
