// The region procedures, blocking, each on a thread of its own (a detached actor of the
// region controller): make replication exist as configured (ensure), compare the
// regions (check), and move the US primary (failover, failback, switchback) in the
// documented order. Every procedure reports its steps with their durations as JSON;
// a failing step ends it with the step named and what PostgreSQL said (errors are values:
// each step answers its detail or the error that ends the procedure).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "persistence/pg_blocking_session.hpp"
#include "regions/replication_plan.hpp"
#include "regions/routing.hpp"

namespace kyb::regions {

using persistence::pg_blocking_session;

/// Sessions to every region's PostgreSQL.
class region_sessions {
public:
  explicit region_sessions(const std::vector<region_info>& regions);
  /// The session of `region`; for a region not configured, one whose every statement
  /// fails with an error naming it.
  pg_blocking_session& at(const std::string& region);
  const std::vector<region_info>& regions() const { return regions_; }
  /// True when `region` answers a trivial query now.
  bool reachable(const std::string& region);

private:
  std::vector<region_info> regions_;
  std::map<std::string, std::unique_ptr<pg_blocking_session>> sessions_;
};

/// What the procedures need.
struct op_context {
  std::vector<region_info> regions;
  std::vector<table_group> groups;      ///< as configured
  std::vector<std::string> synchronous; ///< groups replicated synchronously
  std::string configured_us_primary = "us-east-1";
  std::string data_dir; ///< where failback writes the lost tail file
  /// Publishes a new routing table on every node (blocks until the nodes answered).
  std::function<void(const routing_table&)> switch_routing;
  /// The last measured lag (seconds) of `target` behind the US primary: what an
  /// unplanned failover to it may lose.
  std::function<double(const std::string& target)> loss_bound;
};

/// Reads the routing of every reachable region and answers the highest epoch (epoch 0
/// with the configured primary when no region has one yet).
routing_table read_routing(region_sessions& s, const op_context& ctx);
/// Writes `t` into every reachable region; answers the regions written.
std::vector<std::string> write_routing(region_sessions& s, const routing_table& t);

/// At start, idempotently: migrate every reachable region, the check constraints that
/// keep EU rows out of the US clusters, the publications on the current source, the
/// subscriptions of a fresh deployment (after a failover, missing ones are reported,
/// never re-created with a copy), synchronous replication as configured, and fences.
nlohmann::json ensure_regions(region_sessions& s, const op_context& ctx,
                              routing_table& routing);

/// Per table and region pair: row count and order-independent hash of the US rows on
/// the US primary and each replica, the ids that differ, and EU rows outside the EU.
nlohmann::json check_regions(region_sessions& s, const op_context& ctx,
                             const routing_table& routing);

/// The drill `region-failover <failed>`: us-east-1 promotes us-west-2 (detect, promote,
/// repoint eu-west-1, switch routing, fence, check); us-west-2 sends its traffic to
/// us-east-1 (no check).
nlohmann::json fail_over(region_sessions& s, const op_context& ctx,
                         routing_table& routing, const std::string& failed,
                         int probe_failures, std::chrono::milliseconds probe_interval);

/// `region failback <region>`: fence it, drop its stale slots, export its lost tail,
/// resubscribe it, check, and (for the old US primary) a planned switchback.
nlohmann::json fail_back(region_sessions& s, const op_context& ctx,
                         routing_table& routing, const std::string& region);

/// The routing as the admin commands and the nodes exchange it:
/// {"epoch", "us_write", "eu_write", "fenced": [...]}.
nlohmann::json routing_json(const routing_table& t);
routing_table routing_from_json(const nlohmann::json& j);

/// Makes a region's database read-only for the application, turns its replica guard on
/// and ends its sessions.
caf::error fence_region(pg_blocking_session& db);
caf::error unfence_region(pg_blocking_session& db);
/// Undoes fence_region on the US write region (a planned operation that refused before
/// promoting): writable again, replica guard off.
caf::error reopen_primary(pg_blocking_session& db);
caf::expected<bool> is_fenced(pg_blocking_session& db);
/// Turns the replica guard (migration 0007) on (a replica of US rows) or off (the US
/// write region).
caf::error set_replica_guard(pg_blocking_session& db, bool on);

} // namespace kyb::regions
