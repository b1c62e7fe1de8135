// The SQL of the region procedures and replicas, in one place: replication control
// (subscriptions, slots, synchronous commit), the fences, the routing rows, and the reads
// that compare a table between regions. Statements are built as text (CREATE
// SUBSCRIPTION and ALTER SYSTEM take no parameters); names come from configuration and
// values are quoted with sql_literal. The publications are in the replication plan
// (regions/replication_plan.cpp), which checks and creates them.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "persistence/pg_blocking_session.hpp"

namespace kyb::regions {

using persistence::sql_identifier;
using persistence::sql_literal;

/// A session to one region's database for replication control, named after the region
/// in its errors. A fenced region is read-only for the application
/// (default_transaction_read_only); this session is not, since failback writes there.
std::unique_ptr<persistence::pg_blocking_session>
region_session(const std::string& region, const std::string& dsn,
               std::chrono::milliseconds connect_timeout = std::chrono::seconds(2),
               std::chrono::milliseconds statement_timeout = std::chrono::seconds(30));

namespace sql {

/// "'a', 'b'": ids[from, from + n) as literals, for IN (...).
std::string in_list(const std::vector<std::string>& ids, size_t from, size_t n);

inline constexpr const char* probe = "SELECT 1";
inline constexpr const char* reload_conf = "SELECT pg_reload_conf()";
inline constexpr const char* current_wal_lsn = "SELECT pg_current_wal_lsn()";
inline constexpr const char* show_synchronous_names = "SHOW synchronous_standby_names";
/// ALTER SYSTEM SET synchronous_standby_names ("" resets it).
std::string set_synchronous_names(const std::string& want);

// Subscriptions and slots.
std::string subscription_exists(const std::string& sub);
/// How many tables the subscription replicates (pg_subscription_rel).
std::string subscription_table_count(const std::string& sub);
/// Starts replicating tables its publications gained (copying their rows first).
std::string refresh_subscription(const std::string& sub);
std::string disable_subscription(const std::string& sub);
/// Detaches the subscription from its slot, so that dropping it leaves the slot.
std::string detach_subscription_slot(const std::string& sub);
std::string drop_subscription(const std::string& sub);
std::string create_subscription(const std::string& sub, const std::string& source_dsn,
                                const std::string& publications, bool copy_data,
                                bool create_slot);
std::string subscription_sync_commit(const std::string& sub);
std::string set_subscription_sync_commit(const std::string& sub, const std::string& on);
/// A row when `slot` confirmed the source's WAL up to `lsn`: "t" or "f".
std::string slot_confirmed_up_to(const std::string& slot, const std::string& lsn);
/// How many tables of the subscription are still in their initial copy.
std::string subscription_tables_syncing(const std::string& sub);
std::string slot_exists(const std::string& slot);
std::string create_logical_slot(const std::string& slot);
std::string terminate_slot_holder(const std::string& slot);
std::string drop_inactive_slot(const std::string& slot);
inline constexpr const char* logical_slots =
    "SELECT slot_name FROM pg_replication_slots WHERE slot_type = 'logical'";

// Promotion and reseeding.
/// Rebuilds the audit chain heads (not replicated) from the audit rows and the rows
/// retention retired (audit_retention_anchors).
extern const char* const rebuild_audit_heads;
std::string set_replication_role(bool replica);
std::string delete_replicated_rows(const std::string& table);
std::string delete_heartbeats(const std::vector<std::string>& groups);
/// (id, row as JSON) of `table`'s rows among ids[from, from + n).
std::string rows_as_json(const std::string& table, const std::vector<std::string>& ids,
                         size_t from, size_t n);
/// One region_reconciliation row (a lost-tail row), as "(...)" for a VALUES list.
std::string reconciliation_value(const std::string& failback_id,
                                 const std::string& old_primary, const std::string& table,
                                 const std::string& id, const std::string& row_json);
std::string insert_reconciliation(const std::string& values);

// Comparing tables (the replicated rows: see replicated_rows).
/// count(*) and the sum of the row hashes.
std::string table_summary(const std::string& table);
/// (id, row hash) of every replicated row, or of those among ids[from, from + n).
std::string row_hashes(const std::string& table);
std::string row_hashes(const std::string& table, const std::vector<std::string>& ids,
                       size_t from, size_t n);
std::string count_eu_rows(const std::string& table);
/// A row when `table` has the check constraint `name`.
std::string constraint_exists(const std::string& table, const std::string& name);
/// The check constraint that refuses EU rows in a US cluster.
std::string add_us_rows_only(const std::string& table, const std::string& name);

// Routing.
inline constexpr const char* read_routing =
    "SELECT residency, write_region, array_to_string(fenced, ','), epoch FROM "
    "region_routing";
/// Writes one residency's row unless the stored epoch is newer.
std::string write_routing(const std::string& residency, const std::string& writer,
                          const std::vector<std::string>& fenced, int64_t epoch);

// Fences.
inline constexpr const char* current_database = "SELECT current_database()";
std::string set_database_read_only(const std::string& database, bool on);
/// Ends the application's sessions (its pools reconnect); replication control's stay.
extern const char* const end_application_sessions;
extern const char* const is_fenced;
/// tgenabled of the replica guard trigger on `table` (no row: not migrated yet).
std::string replica_guard_state(const std::string& table);
std::string set_replica_guard(const std::string& table, bool on);

// The replica actor's sample and heartbeat.
extern const char* const slot_lags;
extern const char* const heartbeat_ages;
extern const char* const subscription_states;
/// Upserts the heartbeat row of each of `groups`, written by `region`.
std::string beat(const std::vector<std::string>& groups, const std::string& region);

} // namespace sql

} // namespace kyb::regions
