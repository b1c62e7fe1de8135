#include "regions/region_sql.hpp"

#include "regions/replication_plan.hpp"

namespace kyb::regions {

std::unique_ptr<persistence::pg_blocking_session>
region_session(const std::string& region, const std::string& dsn,
               std::chrono::milliseconds connect_timeout,
               std::chrono::milliseconds statement_timeout) {
  persistence::pg_blocking_options o;
  o.label = region;
  o.application_name = "kyb-regions";
  o.connect_timeout = connect_timeout;
  o.setup_sql = "SET default_transaction_read_only = off; SET TimeZone = 'UTC'; "
                "SET statement_timeout = " +
                std::to_string(statement_timeout.count());
  return std::make_unique<persistence::pg_blocking_session>(dsn, std::move(o));
}

namespace sql {

std::string in_list(const std::vector<std::string>& ids, size_t from, size_t n) {
  std::string out;
  for (size_t i = from; i < ids.size() && i < from + n; ++i)
    out += (out.empty() ? "" : ", ") + sql_literal(ids[i]);
  return out;
}

std::string set_synchronous_names(const std::string& want) {
  return want.empty()
             ? std::string("ALTER SYSTEM RESET synchronous_standby_names")
             : "ALTER SYSTEM SET synchronous_standby_names = " + sql_literal(want);
}

std::string subscription_exists(const std::string& sub) {
  return "SELECT 1 FROM pg_subscription WHERE subname = " + sql_literal(sub);
}

std::string subscription_table_count(const std::string& sub) {
  return "SELECT count(*) FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = "
         "r.srsubid WHERE s.subname = " +
         sql_literal(sub);
}

std::string refresh_subscription(const std::string& sub) {
  return "ALTER SUBSCRIPTION " + sub + " REFRESH PUBLICATION";
}

std::string disable_subscription(const std::string& sub) {
  return "ALTER SUBSCRIPTION " + sub + " DISABLE";
}

std::string detach_subscription_slot(const std::string& sub) {
  return "ALTER SUBSCRIPTION " + sub + " SET (slot_name = NONE)";
}

std::string drop_subscription(const std::string& sub) {
  return "DROP SUBSCRIPTION " + sub;
}

std::string create_subscription(const std::string& sub, const std::string& source_dsn,
                                const std::string& publications, bool copy_data,
                                bool create_slot) {
  return "CREATE SUBSCRIPTION " + sub + " CONNECTION " + sql_literal(source_dsn) +
         " PUBLICATION " + publications +
         " WITH (copy_data = " + (copy_data ? "true" : "false") +
         ", create_slot = " + (create_slot ? "true" : "false") +
         ", slot_name = " + sql_literal(sub) + ")";
}

std::string subscription_sync_commit(const std::string& sub) {
  return "SELECT subsynccommit FROM pg_subscription WHERE subname = " + sql_literal(sub);
}

std::string set_subscription_sync_commit(const std::string& sub, const std::string& on) {
  return "ALTER SUBSCRIPTION " + sub + " SET (synchronous_commit = " + sql_literal(on) +
         ")";
}

std::string slot_confirmed_up_to(const std::string& slot, const std::string& lsn) {
  return "SELECT confirmed_flush_lsn >= " + sql_literal(lsn) +
         "::pg_lsn FROM pg_replication_slots WHERE slot_name = " + sql_literal(slot);
}

std::string subscription_tables_syncing(const std::string& sub) {
  return "SELECT count(*) FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = "
         "r.srsubid WHERE s.subname = " +
         sql_literal(sub) + " AND r.srsubstate <> 'r'";
}

std::string slot_exists(const std::string& slot) {
  return "SELECT 1 FROM pg_replication_slots WHERE slot_name = " + sql_literal(slot);
}

std::string create_logical_slot(const std::string& slot) {
  return "SELECT pg_create_logical_replication_slot(" + sql_literal(slot) +
         ", 'pgoutput')";
}

std::string terminate_slot_holder(const std::string& slot) {
  return "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE "
         "slot_name = " +
         sql_literal(slot) + " AND active_pid IS NOT NULL";
}

std::string drop_inactive_slot(const std::string& slot) {
  return "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
         "WHERE slot_name = " +
         sql_literal(slot) + " AND NOT active";
}

// From the rows and from retention's anchors: a chain whose rows were all exported and
// detached here keeps its head (a new head at seq 0 would restart it).
const char* const rebuild_audit_heads =
    "INSERT INTO audit_chain_heads (tenant_id, seq, hash) "
    "SELECT DISTINCT ON (tenant_id) tenant_id, seq, hash FROM ("
    "SELECT tenant_id, seq, row_hash AS hash FROM audit_logs UNION ALL "
    "SELECT tenant_id, seq, hash FROM audit_retention_anchors) r "
    "ORDER BY tenant_id, seq DESC "
    "ON CONFLICT (tenant_id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash "
    "WHERE audit_chain_heads.seq < EXCLUDED.seq";

std::string set_replication_role(bool replica) {
  return std::string("SET session_replication_role = ") +
         (replica ? "replica" : "origin");
}

std::string delete_replicated_rows(const std::string& table) {
  return "DELETE FROM " + table + " WHERE " + replicated_rows(table);
}

std::string delete_heartbeats(const std::vector<std::string>& groups) {
  return "DELETE FROM replication_heartbeats WHERE grp IN (SELECT unnest(ARRAY[" +
         in_list(groups, 0, groups.size()) + "]::text[]))";
}

std::string rows_as_json(const std::string& table, const std::vector<std::string>& ids,
                         size_t from, size_t n) {
  return "SELECT id::text, row_to_json(t)::text FROM " + table +
         " t WHERE id::text IN (" + in_list(ids, from, n) + ")";
}

std::string reconciliation_value(const std::string& failback_id,
                                 const std::string& old_primary, const std::string& table,
                                 const std::string& id, const std::string& row_json) {
  return "(" + sql_literal(failback_id) + "::uuid, " + sql_literal(old_primary) + ", " +
         sql_literal(table) + ", " + sql_literal(id) + ", " + sql_literal(row_json) +
         "::jsonb)";
}

std::string insert_reconciliation(const std::string& values) {
  return "INSERT INTO region_reconciliation (failback_id, old_primary, table_name, "
         "row_id, row_data) VALUES " +
         values;
}

std::string table_summary(const std::string& table) {
  return "SELECT count(*), COALESCE(sum(hashtextextended(t::text, 0)), 0) FROM " + table +
         " t WHERE " + replicated_rows(table);
}

std::string row_hashes(const std::string& table) {
  return "SELECT id::text, hashtextextended(t::text, 0)::text FROM " + table +
         " t WHERE " + replicated_rows(table);
}

std::string row_hashes(const std::string& table, const std::vector<std::string>& ids,
                       size_t from, size_t n) {
  return row_hashes(table) + " AND id IN (" + in_list(ids, from, n) + ")";
}

std::string count_eu_rows(const std::string& table) {
  return "SELECT count(*) FROM " + table + " WHERE region = 'eu'";
}

std::string constraint_exists(const std::string& table, const std::string& name) {
  return "SELECT 1 FROM pg_constraint WHERE conname = " + sql_literal(name) +
         " AND conrelid = " + sql_literal(table) + "::regclass";
}

std::string add_us_rows_only(const std::string& table, const std::string& name) {
  return "ALTER TABLE " + table + " ADD CONSTRAINT " + name + " CHECK (region <> 'eu')";
}

std::string write_routing(const std::string& residency, const std::string& writer,
                          const std::vector<std::string>& fenced, int64_t epoch) {
  return "INSERT INTO region_routing (residency, write_region, fenced, epoch) VALUES (" +
         sql_literal(residency) + ", " + sql_literal(writer) + ", ARRAY[" +
         in_list(fenced, 0, fenced.size()) + "]::text[], " + std::to_string(epoch) +
         ") ON CONFLICT (residency) DO UPDATE SET write_region = EXCLUDED.write_region, "
         "fenced = EXCLUDED.fenced, epoch = EXCLUDED.epoch, updated_at = now() WHERE "
         "region_routing.epoch <= EXCLUDED.epoch";
}

std::string set_database_read_only(const std::string& database, bool on) {
  return "ALTER DATABASE " + sql_identifier(database) +
         (on ? " SET default_transaction_read_only = on"
             : " RESET default_transaction_read_only");
}

const char* const end_application_sessions =
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
    "current_database() AND pid <> pg_backend_pid() AND backend_type = 'client "
    "backend' AND application_name <> 'kyb-regions'";

const char* const is_fenced =
    "SELECT EXISTS (SELECT 1 FROM pg_db_role_setting s JOIN pg_database d "
    "ON d.oid = s.setdatabase WHERE d.datname = current_database() AND "
    "s.setrole = 0 AND 'default_transaction_read_only=on' = ANY (s.setconfig))";

std::string replica_guard_state(const std::string& table) {
  return "SELECT tgenabled FROM pg_trigger WHERE tgname = 'kyb_replica_guard' AND "
         "tgrelid = " +
         sql_literal(table) + "::regclass";
}

std::string set_replica_guard(const std::string& table, bool on) {
  return "ALTER TABLE " + table + (on ? " ENABLE" : " DISABLE") +
         " TRIGGER kyb_replica_guard";
}

const char* const slot_lags =
    "SELECT s.slot_name, s.active, "
    "COALESCE(pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn), 0)::bigint, "
    "COALESCE(extract(epoch FROM r.write_lag), 0), "
    "COALESCE(extract(epoch FROM r.flush_lag), 0), "
    "COALESCE(extract(epoch FROM r.replay_lag), 0), s.wal_status "
    "FROM pg_replication_slots s LEFT JOIN pg_stat_replication r ON r.pid = "
    "s.active_pid WHERE s.slot_type = 'logical' AND s.database = current_database() "
    "ORDER BY 1";

const char* const heartbeat_ages =
    "SELECT grp, source, extract(epoch FROM clock_timestamp() - ts) FROM "
    "replication_heartbeats";

const char* const subscription_states =
    "SELECT s.subname, s.subenabled, COALESCE(st.apply_error_count, 0), "
    "COALESCE(st.sync_error_count, 0), (SELECT count(*) FROM "
    "pg_stat_subscription w WHERE w.subid = s.oid AND w.pid IS NOT NULL) FROM "
    "pg_subscription s LEFT JOIN pg_stat_subscription_stats st ON st.subid = "
    "s.oid WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = "
    "current_database()) ORDER BY 1";

std::string beat(const std::vector<std::string>& groups, const std::string& region) {
  std::string values;
  for (auto& g : groups)
    values += (values.empty() ? "(" : ", (") + sql_literal(g) + ", " +
              sql_literal(region) + ", clock_timestamp())";
  return "INSERT INTO replication_heartbeats (grp, source, ts) VALUES " + values +
         " ON CONFLICT (grp) DO UPDATE SET source = EXCLUDED.source, ts = EXCLUDED.ts";
}

} // namespace sql

} // namespace kyb::regions
