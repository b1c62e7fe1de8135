// Per-table replication as PostgreSQL logical replication: which
// publications each region's cluster must have, which subscriptions, and the SQL that
// makes each exist, idempotently (a check, then a create). Pure: the region actors run
// the statements and verify the result.
//
// US rows (region 'us') flow from the primary us-east-1 to the tables' target regions;
// EU rows are written only in eu-west-1 and are in no feed: every publication filters
// `region <> 'eu'`, and none publishes TRUNCATE (TRUNCATE ignores row filters). Tables
// that a business read needs travel with `businesses` in the same publication (owners,
// classifications), so a replica never shows a business without them.
#pragma once

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "regions/region_sql.hpp"

namespace kyb::regions {

struct region_info {
  std::string name; ///< "us-east-1"
  std::string dsn;  ///< libpq conninfo that the other regions' subscriptions use
  bool primary = false;
};

/// One replicated group of tables (one ReplicationConfig).
struct table_group {
  std::string name;                 ///< "businesses"
  std::vector<std::string> tables;  ///< "businesses", "business_owners", ...
  std::string source;               ///< "us-east-1"
  std::vector<std::string> targets; ///< "us-west-2", "eu-west-1"
  std::chrono::seconds lag_sla{0};
  /// What the feed carries; append-only tables (audit_logs) publish inserts alone.
  std::string publish = "insert, update, delete";
};

/// The default table configuration: five (group, target) pairs with their SLAs.
std::vector<table_group> seed_table_groups();

/// The rows of `table` that replicate (a SQL condition): US rows, and never the platform
/// tenant (migration 0001 makes it in every region, so a copy would collide). The
/// publications filter with it, and the consistency check and the reseed read with it.
std::string replicated_rows(const std::string& table);

/// Every table of `groups`.
std::vector<std::string> tables_of(const std::vector<table_group>& groups);

/// The groups as they run now: after a failover the US writer `us_write` is every
/// group's source and feeds the other regions (the old source included); fenced
/// regions receive nothing.
std::vector<table_group> effective_groups(const std::vector<table_group>& groups,
                                          const std::string& us_write,
                                          const std::set<std::string>& fenced);

/// One object to ensure on one region's cluster.
struct plan_step {
  std::string region; ///< where to run it
  std::string object; ///< "publication pub_businesses" / "subscription sub_..."
  /// returns a row when the object exists (a publication: with every table of its group)
  std::string check_sql;
  /// creates it (outside a transaction for subscriptions); a publication that exists
  /// without every table of its group is given the group's table list
  std::string create_sql;
};

/// Publications first (on the sources), then subscriptions (on the targets). Errors
/// (an unknown region, a group targeting its own source, a table in two groups) are
/// returned in `error` with an empty plan.
std::vector<plan_step> replication_plan(const std::vector<region_info>& regions,
                                        const std::vector<table_group>& groups,
                                        std::string& error);

/// "sub_businesses_us_west_2": names PostgreSQL accepts unquoted.
std::string subscription_name(const std::string& group, const std::string& target);
std::string publication_name(const std::string& group);
/// "pub_businesses_heartbeat": the group's heartbeat row, in every subscription of it.
std::string heartbeat_publication_name(const std::string& group);
/// The publications a subscription of `group` takes: "pub_businesses, pub_..._heartbeat".
std::string publication_list(const std::string& group);

} // namespace kyb::regions
