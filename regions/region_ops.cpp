#include "regions/region_ops.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "config/settings.hpp"
#include "persistence/migration.hpp"
#include "persistence/migrator.hpp"
#include "regions/table_diff.hpp"
#include "runtime/base/uuid.hpp"
#include "runtime/error.hpp"

namespace kyb::regions {

using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;

namespace {

double ms_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

/// A procedure's steps, each timed. A failing step is recorded and ends the procedure.
struct step_log {
  json steps = json::array();
  clock_type::time_point start = clock_type::now();
  std::string failed;

  template <class F>
  json run(const std::string& name, F f) {
    auto t0 = clock_type::now();
    try {
      json detail = f();
      json s{{"step", name}, {"ms", ms_since(t0)}, {"ok", true}};
      if (!detail.is_null())
        s["detail"] = detail;
      steps.push_back(s);
      return detail;
    } catch (const std::exception& e) {
      steps.push_back(
          {{"step", name}, {"ms", ms_since(t0)}, {"ok", false}, {"detail", e.what()}});
      failed = name;
      throw;
    }
  }

  json report(json extra) const {
    extra["steps"] = steps;
    extra["total_ms"] = ms_since(start);
    extra["ok"] = failed.empty() && extra.value("ok", true);
    if (!failed.empty())
      extra["failed_step"] = failed;
    return extra;
  }
};

std::string ident(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"')
      out += '"';
    out += c;
  }
  return out + "\"";
}

/// Runs `f`, again when another node changed the same catalog row at the same moment
/// (every node ensures at start).
template <class F>
void retry_concurrent(F f) {
  for (int attempt = 0;; ++attempt) {
    try {
      f();
      return;
    } catch (const region_error& e) {
      if (attempt >= 4 ||
          std::string(e.what()).find("tuple concurrently updated") == std::string::npos)
        throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(100 * (attempt + 1)));
    }
  }
}

/// Runs `f`, which creates an object; another node making it at the same moment is fine.
template <class F>
void create_once(F f) {
  try {
    f();
  } catch (const region_error& e) {
    if (std::string(e.what()).find("already exists") == std::string::npos)
      throw;
  }
}

/// Sets the source's synchronous_standby_names ("" resets it) and reloads.
void set_synchronous_names(pg_session& db, const std::string& want) {
  if (db.scalar("SHOW synchronous_standby_names") == want)
    return;
  retry_concurrent([&] {
    db.query(want.empty()
                 ? std::string("ALTER SYSTEM RESET synchronous_standby_names")
                 : "ALTER SYSTEM SET synchronous_standby_names = " + sql_literal(want));
  });
  db.query("SELECT pg_reload_conf()");
}

bool exists(pg_session& db, const std::string& sql) {
  return !db.query(sql).empty();
}

bool has_subscription(pg_session& db, const std::string& sub) {
  return exists(db, "SELECT 1 FROM pg_subscription WHERE subname = " + sql_literal(sub));
}

bool has_slot(pg_session& db, const std::string& slot) {
  return exists(db, "SELECT 1 FROM pg_replication_slots WHERE slot_name = " +
                        sql_literal(slot));
}

/// Drops a subscription but keeps its slot on the publisher (which may be dead).
void drop_subscription_keep_slot(pg_session& db, const std::string& sub) {
  if (!has_subscription(db, sub))
    return;
  db.query("ALTER SUBSCRIPTION " + sub + " DISABLE");
  db.query("ALTER SUBSCRIPTION " + sub + " SET (slot_name = NONE)");
  db.query("DROP SUBSCRIPTION " + sub);
}

void create_slot(pg_session& db, const std::string& slot) {
  if (!has_slot(db, slot))
    db.query("SELECT pg_create_logical_replication_slot(" + sql_literal(slot) +
             ", 'pgoutput')");
}

/// Drops a slot, ending the walsender that holds it first.
void drop_slot(pg_session& db, const std::string& slot) {
  for (int i = 0; i < 50 && has_slot(db, slot); ++i) {
    db.query("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE "
             "slot_name = " +
             sql_literal(slot) + " AND active_pid IS NOT NULL");
    try {
      db.query("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
               "WHERE slot_name = " +
               sql_literal(slot) + " AND NOT active");
    } catch (const region_error& e) {
      if (e.unreachable)
        throw;
    }
    if (has_slot(db, slot))
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (has_slot(db, slot))
    throw region_error(db.region(), "slot " + slot + " stays active", false);
}

const region_info& info_of(const op_context& ctx, const std::string& name) {
  for (auto& r : ctx.regions)
    if (r.name == name)
      return r;
  throw region_error(name, "not a configured region", false);
}

void create_subscription(pg_session& target, const region_info& source,
                         const std::string& group, bool copy_data, bool create_slot_too) {
  auto sub = subscription_name(group, target.region());
  target.query("CREATE SUBSCRIPTION " + sub + " CONNECTION " + sql_literal(source.dsn) +
               " PUBLICATION " + publication_list(group) +
               " WITH (copy_data = " + (copy_data ? "true" : "false") +
               ", create_slot = " + (create_slot_too ? "true" : "false") +
               ", slot_name = " + sql_literal(sub) + ")");
}

/// The audit chains continue where the replicated rows end: a promoted region's
/// chain heads (not replicated) are rebuilt from its audit rows.
void rebuild_audit_heads(pg_session& db) {
  db.query(
      "INSERT INTO audit_chain_heads (tenant_id, seq, hash) "
      "SELECT DISTINCT ON (tenant_id) tenant_id, seq, row_hash FROM audit_logs "
      "ORDER BY tenant_id, seq DESC "
      "ON CONFLICT (tenant_id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash "
      "WHERE audit_chain_heads.seq < EXCLUDED.seq");
}

void ensure_publications(pg_session& db, const op_context& ctx,
                         const std::vector<table_group>& groups) {
  std::string error;
  auto plan = replication_plan(ctx.regions, groups, error);
  if (!error.empty())
    throw region_error(db.region(), error, false);
  for (auto& step : plan) {
    if (step.region != db.region() || step.object.rfind("publication", 0) != 0)
      continue;
    if (!exists(db, step.check_sql))
      create_once([&] { db.query(step.create_sql); });
  }
}

/// Waits until `target` applied everything `source` had committed when the wait began
/// for the group's subscription, and its initial copy is done. False on timeout.
bool wait_caught_up(pg_session& source, pg_session& target, const std::string& group,
                    std::chrono::milliseconds timeout) {
  auto slot = subscription_name(group, target.region());
  auto lsn = source.scalar("SELECT pg_current_wal_lsn()");
  auto deadline = clock_type::now() + timeout;
  while (clock_type::now() < deadline) {
    auto done = source.scalar(
        "SELECT confirmed_flush_lsn >= " + sql_literal(lsn) +
        "::pg_lsn FROM pg_replication_slots WHERE slot_name = " + sql_literal(slot));
    auto syncing = target.scalar(
        "SELECT count(*) FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = "
        "r.srsubid WHERE s.subname = " +
        sql_literal(slot) + " AND r.srsubstate <> 'r'");
    if (done == "t" && syncing == "0")
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

/// Waits until `target` caught up with `source` for each group of `groups` (each within
/// `timeout`); answers {group: true} and throws at the first group that did not: a
/// planned operation must not promote over a known gap (its rows would be lost or
/// diverge).
json require_caught_up(pg_session& source, pg_session& target,
                       const std::vector<table_group>& groups,
                       std::chrono::milliseconds timeout) {
  json out = json::object();
  for (auto& g : groups) {
    if (!wait_caught_up(source, target, g.name, timeout))
      throw region_error(target.region(),
                         "replication of group " + g.name + " from " + source.region() +
                             " did not catch up within " +
                             std::to_string(timeout.count()) +
                             " ms: nothing is promoted over a replication gap",
                         false);
    out[g.name] = true;
  }
  return out;
}

std::string in_list(const std::vector<std::string>& ids, size_t from, size_t n) {
  std::string out;
  for (size_t i = from; i < ids.size() && i < from + n; ++i)
    out += (out.empty() ? "" : ", ") + sql_literal(ids[i]);
  return out;
}

/// (id, row hash) of the replicated rows of `table`, or of those among `ids`.
row_hashes read_row_hashes(pg_session& db, const std::string& table,
                           const std::vector<std::string>* ids = nullptr) {
  auto sql = "SELECT id::text, hashtextextended(t::text, 0)::text FROM " + table +
             " t WHERE " + replicated_rows(table);
  row_hashes out;
  auto add = [&](const rows& rs) {
    for (auto& r : rs)
      out.emplace(r[0], r[1]);
  };
  if (!ids)
    add(db.query(sql));
  else
    for (size_t i = 0; i < ids->size(); i += 500)
      add(db.query(sql + " AND id IN (" + in_list(*ids, i, 500) + ")"));
  return out;
}

table_diff diff_table(pg_session& source, pg_session& target, const std::string& table) {
  table_diff d;
  auto summary = "SELECT count(*), COALESCE(sum(hashtextextended(t::text, 0)), 0) FROM " +
                 table + " t WHERE " + replicated_rows(table);
  auto a = source.query(summary);
  auto b = target.query(summary);
  d.source_rows = std::stoull(a[0][0]);
  d.target_rows = std::stoull(b[0][0]);
  if (a[0] == b[0])
    return d;
  auto counts = d;
  d = compare_rows(read_row_hashes(source, table), read_row_hashes(target, table));
  // The counts as of the summary, read together (the hashes are read later).
  d.source_rows = counts.source_rows;
  d.target_rows = counts.target_rows;
  return d;
}

/// Compares `table` on a source that keeps writing and its subscriber: rows that differ
/// at first are read again on the source, then on the target once it applied everything
/// up to that read, so only differences that outlive the lag remain.
table_diff diff_table_settled(pg_session& source, pg_session& target,
                              const std::string& table, const std::string& group) {
  auto d = diff_table(source, target, table);
  for (int round = 0; round < 3 && !d.equal(); ++round) {
    auto ids = d.ids();
    if (ids.empty()) { // the counts moved between the two reads
      wait_caught_up(source, target, group, std::chrono::seconds(5));
      d = diff_table(source, target, table);
      continue;
    }
    auto a = read_row_hashes(source, table, &ids);
    wait_caught_up(source, target, group, std::chrono::seconds(5));
    d = recompare_ids(d, ids, a, read_row_hashes(target, table, &ids));
  }
  return d;
}

/// The groups `region` receives, and the tables in them.
std::vector<table_group> groups_of_target(const std::vector<table_group>& groups,
                                          const std::string& region) {
  std::vector<table_group> out;
  for (auto& g : groups)
    if (std::find(g.targets.begin(), g.targets.end(), region) != g.targets.end())
      out.push_back(g);
  return out;
}

/// Makes `replica` a fresh copy of `source` for its groups: exports the rows that exist
/// only on the replica, or differ there (the lost tail of a failed primary), to the
/// source's region_reconciliation and a file; drops its subscriptions (keeping slots
/// on a dead publisher); deletes its replicated rows; and subscribes to `source` with
/// an initial copy through the slot made for it at promotion (or a new one).
json reseed_replica(const op_context& ctx, pg_session& source, pg_session& replica,
                    const std::vector<table_group>& groups,
                    const std::string& old_primary) {
  json exported = json::object();
  auto failback_id = base::uuid::make_v7().to_string();
  std::filesystem::path file;
  std::ofstream out;
  size_t total = 0;
  for (auto& g : groups) {
    for (auto& table : g.tables) {
      auto d = diff_table(source, replica, table);
      std::vector<std::pair<std::string, std::string>> tail; // id, kind
      for (auto& id : d.only_target)
        tail.emplace_back(id, "only_on_" + replica.region());
      for (auto& id : d.differ)
        tail.emplace_back(id, "differs_on_" + replica.region());
      if (tail.empty())
        continue;
      if (!out.is_open()) {
        file = std::filesystem::path(ctx.data_dir.empty() ? "." : ctx.data_dir) /
               "regions" / ("reconcile-" + failback_id + ".ndjson");
        std::filesystem::create_directories(file.parent_path());
        out.open(file);
      }
      std::vector<std::string> ids;
      std::map<std::string, std::string> kinds;
      for (auto& [id, kind] : tail) {
        ids.push_back(id);
        kinds[id] = kind;
      }
      for (size_t i = 0; i < ids.size(); i += 200) {
        auto rows = replica.query("SELECT id::text, row_to_json(t)::text FROM " + table +
                                  " t WHERE id::text IN (" + in_list(ids, i, 200) + ")");
        std::string values;
        for (auto& r : rows) {
          json line{{"table", table},
                    {"id", r[0]},
                    {"kind", kinds[r[0]]},
                    {"region", replica.region()},
                    {"row", json::parse(r[1], nullptr, false)}};
          out << line.dump() << '\n';
          values += (values.empty() ? "(" : ", (") + sql_literal(failback_id) +
                    "::uuid, " + sql_literal(old_primary) + ", " + sql_literal(table) +
                    ", " + sql_literal(r[0]) + ", " + sql_literal(r[1]) + "::jsonb)";
        }
        if (!values.empty())
          source.query("INSERT INTO region_reconciliation (failback_id, old_primary, "
                       "table_name, row_id, row_data) VALUES " +
                       values);
      }
      exported[table] = {{"only_on_replica", d.only_target.size()},
                         {"differ", d.differ.size()},
                         {"ids", ids_json(ids)}};
      total += tail.size();
    }
  }
  if (out.is_open())
    out.close();
  for (auto& g : groups)
    drop_subscription_keep_slot(replica, subscription_name(g.name, replica.region()));
  // Without FK triggers (replica role): the rows go table by table, parents included.
  replica.query("SET session_replication_role = replica");
  for (auto& g : groups)
    for (auto& table : g.tables)
      replica.query("DELETE FROM " + table + " WHERE " + replicated_rows(table));
  replica.query("DELETE FROM replication_heartbeats WHERE grp IN (SELECT unnest(ARRAY[" +
                [&] {
                  std::string l;
                  for (auto& g : groups)
                    l += (l.empty() ? "" : ", ") + sql_literal(g.name);
                  return l;
                }() +
                "]))");
  replica.query("SET session_replication_role = origin");
  const auto& src = info_of(ctx, source.region());
  for (auto& g : groups) {
    bool slot = has_slot(source, subscription_name(g.name, replica.region()));
    create_subscription(replica, src, g.name, true, !slot);
  }
  json r{{"exported_rows", total}, {"tables", exported}};
  if (total > 0) {
    r["file"] = file.string();
    r["reconciliation_id"] = failback_id;
  }
  return r;
}

void probe_or_throw(pg_session& db) {
  db.query("SELECT 1");
}

} // namespace

// -- sessions and routing -------------------------------------------------------------

region_sessions::region_sessions(const std::vector<region_info>& regions)
    : regions_(regions) {
  for (auto& r : regions)
    sessions_.emplace(r.name, std::make_unique<pg_session>(r.name, r.dsn));
}

pg_session& region_sessions::at(const std::string& region) {
  auto it = sessions_.find(region);
  if (it == sessions_.end())
    throw region_error(region, "not a configured region", false);
  return *it->second;
}

bool region_sessions::reachable(const std::string& region) {
  try {
    probe_or_throw(at(region));
    return true;
  } catch (const region_error&) {
    at(region).reset();
    return false;
  }
}

json routing_json(const routing_table& t) {
  return {{"epoch", t.epoch},
          {"us_write", t.us_write},
          {"eu_write", t.eu_write},
          {"fenced", std::vector<std::string>(t.fenced.begin(), t.fenced.end())}};
}

routing_table routing_from_json(const json& j) {
  routing_table t;
  t.epoch = j.value("epoch", int64_t{0});
  t.us_write = j.value("us_write", std::string("us-east-1"));
  t.eu_write = j.value("eu_write", std::string("eu-west-1"));
  if (j.contains("fenced") && j["fenced"].is_array())
    for (auto& f : j["fenced"])
      if (f.is_string())
        t.fenced.insert(f.get<std::string>());
  return t;
}

routing_table read_routing(region_sessions& s, const op_context& ctx) {
  routing_table best;
  best.us_write = ctx.configured_us_primary;
  for (auto& r : s.regions()) {
    try {
      auto rows = s.at(r.name).query(
          "SELECT residency, write_region, array_to_string(fenced, ','), epoch FROM "
          "region_routing");
      routing_table t;
      for (auto& row : rows) {
        t.epoch = std::max<int64_t>(t.epoch, std::stoll(row[3]));
        if (row[0] == "us")
          t.us_write = row[1];
        else
          t.eu_write = row[1];
        for (auto& f : config::comma_list(row[2]))
          t.fenced.insert(f);
      }
      if (!rows.empty() && t.epoch > best.epoch)
        best = t;
    } catch (const region_error&) {
      // Unreachable or not migrated yet: the others decide.
    }
  }
  return best;
}

std::vector<std::string> write_routing(region_sessions& s, const routing_table& t) {
  std::string fenced = "ARRAY[";
  bool first = true;
  for (auto& f : t.fenced) {
    fenced += (first ? "" : ", ") + sql_literal(f);
    first = false;
  }
  fenced += "]::text[]";
  std::vector<std::string> written;
  for (auto& r : s.regions()) {
    try {
      auto& db = s.at(r.name);
      for (auto [residency, writer] : {std::pair{"us", t.us_write}, {"eu", t.eu_write}})
        db.query("INSERT INTO region_routing (residency, write_region, fenced, epoch) "
                 "VALUES (" +
                 sql_literal(residency) + ", " + sql_literal(writer) + ", " + fenced +
                 ", " + std::to_string(t.epoch) +
                 ") ON CONFLICT (residency) DO UPDATE SET write_region = "
                 "EXCLUDED.write_region, fenced = EXCLUDED.fenced, epoch = "
                 "EXCLUDED.epoch, updated_at = now() WHERE region_routing.epoch <= "
                 "EXCLUDED.epoch");
      written.push_back(r.name);
    } catch (const region_error&) {
      // A dead region learns the routing from the others when it returns.
    }
  }
  return written;
}

namespace {

/// Writes the routing in every reachable region and switches every node to it.
std::vector<std::string> switch_to(region_sessions& s, const op_context& ctx,
                                   const routing_table& routing) {
  auto written = write_routing(s, routing);
  if (ctx.switch_routing)
    ctx.switch_routing(routing);
  return written;
}

/// Runs the consistency check into report[key]; its verdict is the step's detail.
json checked(region_sessions& s, const op_context& ctx, const routing_table& routing,
             json& report, const char* key) {
  auto c = check_regions(s, ctx, routing);
  report[key] = c;
  return json{{"clean", c.value("clean", false)}};
}

} // namespace

// -- fences ---------------------------------------------------------------------------

namespace {

/// Sets or resets the database's read-only default, then ends the sessions opened under
/// the old one (the platform's pools reconnect); replication control sessions stay.
void set_read_only(pg_session& db, bool on) {
  auto name = db.scalar("SELECT current_database()");
  db.query("ALTER DATABASE " + ident(name) +
           (on ? " SET default_transaction_read_only = on"
               : " RESET default_transaction_read_only"));
  db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
           "current_database() AND pid <> pg_backend_pid() AND backend_type = 'client "
           "backend' AND application_name <> 'kyb-regions'");
}

} // namespace

void fence_region(pg_session& db) {
  set_read_only(db, true);
  set_replica_guard(db, true);
}

void unfence_region(pg_session& db) {
  set_read_only(db, false);
}

void reopen_primary(pg_session& db) {
  unfence_region(db);
  set_replica_guard(db, false);
}

void set_replica_guard(pg_session& db, bool on) {
  // The replicated tables, which migration 0007 guards.
  static const auto guarded = tables_of(seed_table_groups());
  for (auto& t : guarded) {
    auto state = db.scalar("SELECT tgenabled FROM pg_trigger WHERE tgname = "
                           "'kyb_replica_guard' AND tgrelid = " +
                           sql_literal(t) + "::regclass");
    if (state.empty())
      continue; // not migrated yet
    if ((state != "D") == on)
      continue;
    db.query("ALTER TABLE " + t + (on ? " ENABLE" : " DISABLE") +
             " TRIGGER kyb_replica_guard");
  }
}

bool is_fenced(pg_session& db) {
  return db.scalar("SELECT EXISTS (SELECT 1 FROM pg_db_role_setting s JOIN pg_database d "
                   "ON d.oid = s.setdatabase WHERE d.datname = current_database() AND "
                   "s.setrole = 0 AND 'default_transaction_read_only=on' = ANY "
                   "(s.setconfig))") == "t";
}

// -- ensure ---------------------------------------------------------------------------

json ensure_regions(region_sessions& s, const op_context& ctx, routing_table& routing) {
  step_log log;
  json report = json::object();
  try {
    std::vector<std::string> up;
    log.run("migrate", [&] {
      json out = json::object();
      for (auto& r : ctx.regions) {
        persistence::migrator m(r.dsn, persistence::embedded_migrations(), {});
        auto applied = m.run();
        if (!applied) {
          out[r.name] = "unreachable or failed: " + detail_of(applied.error());
          continue;
        }
        out[r.name] = "applied " + std::to_string(applied->size());
        up.push_back(r.name);
      }
      return out;
    });
    log.run("routing", [&] {
      routing = read_routing(s, ctx);
      if (routing.epoch == 0) {
        routing.epoch = 1;
        write_routing(s, routing);
      }
      return routing_json(routing);
    });
    auto groups = effective_groups(ctx.groups, routing.us_write, routing.fenced);
    log.run("US clusters refuse EU rows", [&] {
      json out = json::array();
      for (auto& r : up) {
        if (residency_of_region(r) != "us")
          continue;
        auto& db = s.at(r);
        for (auto& g : ctx.groups)
          for (auto& t : g.tables) {
            auto name = t + "_us_rows_only";
            if (exists(db, "SELECT 1 FROM pg_constraint WHERE conname = " +
                               sql_literal(name) + " AND conrelid = " + sql_literal(t) +
                               "::regclass"))
              continue;
            create_once([&] {
              db.query("ALTER TABLE " + t + " ADD CONSTRAINT " + name +
                       " CHECK (region <> 'eu')");
            });
          }
        out.push_back(r);
      }
      return out;
    });
    log.run("publications", [&] {
      auto& src = s.at(routing.us_write);
      ensure_publications(src, ctx, groups);
      return json{{"source", routing.us_write}};
    });
    log.run("subscriptions", [&] {
      json out = json::object();
      bool fresh =
          routing.us_write == ctx.configured_us_primary && routing.fenced.empty();
      for (auto& g : groups)
        for (auto& target : g.targets) {
          auto sub = subscription_name(g.name, target);
          if (std::find(up.begin(), up.end(), target) == up.end()) {
            out[sub] = "target unreachable";
            continue;
          }
          auto& db = s.at(target);
          if (has_subscription(db, sub)) {
            out[sub] = "exists";
            continue;
          }
          if (!fresh) {
            // After a failover a copy would collide with the rows there: failback
            // (which exports the old rows first) makes it.
            out[sub] = "missing (run kybctl region failback " + target + ")";
            continue;
          }
          create_once([&] {
            create_subscription(db, info_of(ctx, g.source), g.name, true,
                                !has_slot(s.at(g.source), sub));
          });
          out[sub] = "created";
        }
      return out;
    });
    log.run("synchronous replication", [&] {
      std::string names;
      json commits = json::object();
      for (auto& g : groups) {
        bool sync = std::find(ctx.synchronous.begin(), ctx.synchronous.end(), g.name) !=
                    ctx.synchronous.end();
        for (auto& t : g.targets) {
          bool counts = sync && residency_of_region(t) == "us";
          auto sub = subscription_name(g.name, t);
          if (counts)
            names += (names.empty() ? "" : ", ") + ident(sub);
          // A synchronous subscriber commits (and confirms) each applied transaction
          // at once; with its default (off) the confirmation waits for the subscriber's
          // WAL writer and status interval, and so would every commit on the source.
          if (std::find(up.begin(), up.end(), t) == up.end() ||
              !has_subscription(s.at(t), sub))
            continue;
          auto want_commit = counts ? "on" : "off";
          if (s.at(t).scalar(
                  "SELECT subsynccommit FROM pg_subscription WHERE subname = " +
                  sql_literal(sub)) != want_commit)
            retry_concurrent([&] {
              s.at(t).query("ALTER SUBSCRIPTION " + sub + " SET (synchronous_commit = '" +
                            want_commit + "')");
            });
          commits[sub] = want_commit;
        }
      }
      auto want = names.empty() ? std::string{} : "FIRST 1 (" + names + ")";
      set_synchronous_names(s.at(routing.us_write), want);
      return json{{"synchronous_standby_names", want}, {"subscriber_commits", commits}};
    });
    log.run("fences", [&] {
      json out = json::object();
      for (auto& r : up) {
        auto& db = s.at(r);
        bool want = routing.is_fenced(r);
        bool have = is_fenced(db);
        if (want && !have)
          fence_region(db);
        bool replica = r != routing.us_write;
        set_replica_guard(db, replica);
        out[r] =
            std::string(want ? "fenced" : (have ? "fenced (by an operator)" : "open")) +
            (replica ? ", US rows read-only (replica)" : ", US write region");
      }
      return out;
    });
  } catch (const std::exception&) {
  }
  return log.report(report);
}

// -- check ----------------------------------------------------------------------------

json check_regions(region_sessions& s, const op_context& ctx,
                   const routing_table& routing) {
  step_log log;
  json pairs = json::array();
  bool clean = true;
  try {
    auto groups = effective_groups(ctx.groups, routing.us_write, routing.fenced);
    auto& src = s.at(routing.us_write);
    log.run("compare", [&] {
      for (auto& g : groups)
        for (auto& target : g.targets) {
          auto& dst = s.at(target);
          if (!s.reachable(target)) {
            pairs.push_back({{"group", g.name},
                             {"source", g.source},
                             {"target", target},
                             {"error", "unreachable"}});
            clean = false;
            continue;
          }
          bool caught_up = wait_caught_up(src, dst, g.name, std::chrono::seconds(10));
          for (auto& table : g.tables) {
            auto d = diff_table_settled(src, dst, table, g.name);
            bool eq = d.equal();
            clean = clean && eq;
            json p{{"group", g.name},
                   {"table", table},
                   {"source", g.source},
                   {"target", target},
                   {"source_rows", d.source_rows},
                   {"target_rows", d.target_rows},
                   {"equal", eq},
                   {"caught_up", caught_up}};
            if (!eq)
              p["differences"] = differences_json(d);
            pairs.push_back(p);
          }
        }
      return json();
    });
    log.run("EU rows stay in the EU", [&] {
      json out = json::object();
      std::set<std::string> tables;
      for (auto& g : ctx.groups)
        tables.insert(g.tables.begin(), g.tables.end());
      for (auto& r : ctx.regions) {
        if (residency_of_region(r.name) != "us" || !s.reachable(r.name))
          continue;
        uint64_t n = 0;
        for (auto& t : tables)
          n += std::stoull(
              s.at(r.name).scalar("SELECT count(*) FROM " + t + " WHERE region = 'eu'"));
        out[r.name] = n;
        clean = clean && n == 0;
      }
      return out;
    });
  } catch (const std::exception&) {
    clean = false;
  }
  return log.report({{"ok", clean}, {"clean", clean}, {"pairs", pairs}});
}

// -- failover -------------------------------------------------------------------------

json fail_over(region_sessions& s, const op_context& ctx, routing_table& routing,
               const std::string& failed, int probe_failures,
               std::chrono::milliseconds probe_interval) {
  step_log log;
  json report{{"drill", "region-failover"}, {"failed_region", failed}};
  try {
    if (failed != "us-east-1" && failed != "us-west-2")
      throw region_error(failed, "no failover plan (us-east-1 or us-west-2)", false);
    bool planned = false;
    log.run("detect", [&] {
      int misses = 0;
      for (int i = 0; i < probe_failures; ++i) {
        if (i > 0)
          std::this_thread::sleep_for(probe_interval);
        if (s.reachable(failed)) {
          planned = true;
          break;
        }
        ++misses;
      }
      return json{{"reachable", planned},
                  {"failed_probes", misses},
                  {"mode", planned ? "planned (the region answers)" : "unplanned"}};
    });
    report["planned"] = planned;
    if (failed == "us-west-2") {
      // The seed's reverse plan: us-east-1 (the primary) takes us-west-2's traffic
      // (its replica reads) through the load balancer; no consistency check.
      log.run("route us-west-2 traffic to " + routing.us_write, [&] {
        if (routing.us_write == failed)
          throw region_error(failed, "is the US primary now: fail over us-east-1 first?",
                             false);
        routing.epoch += 1;
        routing.fenced.insert(failed);
        return json{{"epoch", routing.epoch}, {"written_in", switch_to(s, ctx, routing)}};
      });
      report["loss_bound_seconds"] = 0;
      report["new_primary"] = routing.us_write;
      return log.report(report);
    }
    if (routing.us_write != failed)
      throw region_error(failed, "is not the US primary (" + routing.us_write + " is)",
                         false);
    const std::string promoted = "us-west-2";
    auto before = effective_groups(ctx.groups, failed, routing.fenced);
    auto& old_db = s.at(failed);
    auto& new_db = s.at(promoted);
    double loss = 0;
    if (planned) {
      log.run("fence " + failed, [&] {
        fence_region(old_db);
        return json();
      });
      try {
        log.run("drain replication to " + promoted, [&] {
          return require_caught_up(old_db, new_db, groups_of_target(before, promoted),
                                   std::chrono::seconds(10));
        });
      } catch (const std::exception&) {
        // Refused before promoting: the primary takes its writes again.
        log.run("unfence " + failed + " (nothing promoted)", [&] {
          reopen_primary(old_db);
          return json();
        });
        throw;
      }
    } else {
      loss = ctx.loss_bound ? ctx.loss_bound(promoted) : 0;
    }
    report["loss_bound_seconds"] = loss;
    routing_table next = routing;
    next.epoch += 1;
    next.us_write = promoted;
    next.fenced.insert(failed);
    auto after = effective_groups(ctx.groups, promoted, next.fenced);
    log.run("promote " + promoted, [&] {
      for (auto& g : groups_of_target(before, promoted))
        drop_subscription_keep_slot(new_db, subscription_name(g.name, promoted));
      rebuild_audit_heads(new_db);
      set_replica_guard(new_db, false);
      set_synchronous_names(new_db, "");
      ensure_publications(new_db, ctx, after);
      // Slots before writes: the failback slot of the old primary, and one for each
      // region the new primary feeds.
      json slots = json::array();
      for (auto& g : after) {
        for (auto& t : g.targets) {
          create_slot(new_db, subscription_name(g.name, t));
          slots.push_back(subscription_name(g.name, t));
        }
        create_slot(new_db, subscription_name(g.name, failed));
        slots.push_back(subscription_name(g.name, failed));
      }
      return json{{"slots", slots}};
    });
    std::set<std::string> repointed;
    for (auto& g : after)
      for (auto& t : g.targets)
        repointed.insert(t);
    for (auto& t : repointed) {
      log.run("repoint " + t, [&] {
        if (!s.reachable(t))
          return json("unreachable: run kybctl region failback " + t +
                      " when it returns");
        return reseed_replica(ctx, new_db, s.at(t), groups_of_target(after, t), failed);
      });
    }
    log.run("switch routing", [&] {
      routing = next;
      return json{{"epoch", routing.epoch},
                  {"us_write", routing.us_write},
                  {"written_in", switch_to(s, ctx, routing)}};
    });
    if (!planned)
      log.run("fence " + failed, [&] {
        if (!s.reachable(failed))
          return json("unreachable: fenced the moment it answers again");
        fence_region(old_db);
        return json("fenced");
      });
    log.run("consistency check",
            [&] { return checked(s, ctx, routing, report, "check"); });
    report["new_primary"] = routing.us_write;
  } catch (const std::exception& e) {
    report["detail"] = e.what();
    report["ok"] = false;
  }
  return log.report(report);
}

// -- failback -------------------------------------------------------------------------

json fail_back(region_sessions& s, const op_context& ctx, routing_table& routing,
               const std::string& region) {
  step_log log;
  json report{{"command", "region-failback"}, {"region", region}};
  try {
    if (!routing.is_fenced(region))
      throw region_error(region, "is not failed over (not fenced)", false);
    if (!s.reachable(region))
      throw region_error(region, "is still unreachable", true);
    if (region == "us-west-2") {
      log.run("readmit us-west-2", [&] {
        routing.epoch += 1;
        routing.fenced.erase(region);
        switch_to(s, ctx, routing);
        return json{{"epoch", routing.epoch}};
      });
      log.run("check", [&] { return checked(s, ctx, routing, report, "check"); });
      return log.report(report);
    }
    if (region != "us-east-1" || routing.us_write != "us-west-2")
      throw region_error(region, "no failback plan for this state", false);
    const std::string current = "us-west-2";
    auto& old_db = s.at(region);
    auto& cur_db = s.at(current);
    log.run("fence " + region, [&] {
      fence_region(old_db);
      return json();
    });
    log.run("drop stale slots on " + region, [&] {
      json out = json::array();
      for (auto& r : old_db.query("SELECT slot_name FROM pg_replication_slots WHERE "
                                  "slot_type = 'logical'")) {
        drop_slot(old_db, r[0]);
        out.push_back(r[0]);
      }
      set_synchronous_names(old_db, "");
      return out;
    });
    routing_table readmitted = routing;
    readmitted.fenced.erase(region);
    auto feeds = effective_groups(ctx.groups, current, readmitted.fenced);
    log.run("export the lost tail and resubscribe " + region, [&] {
      auto r =
          reseed_replica(ctx, cur_db, old_db, groups_of_target(feeds, region), region);
      report["lost_tail"] = r;
      return r;
    });
    log.run("catch up", [&] {
      return require_caught_up(cur_db, old_db, groups_of_target(feeds, region),
                               std::chrono::seconds(60));
    });
    log.run("check", [&] {
      auto c = checked(s, ctx, readmitted, report, "check_before_switchback");
      if (!c.value("clean", false))
        throw region_error(region, "differs from " + current + " after resubscribing",
                           false);
      return json{{"clean", true}};
    });
    // The planned switchback: us-east-1 becomes the primary again.
    log.run("fence " + current, [&] {
      fence_region(cur_db);
      return json();
    });
    try {
      log.run("drain replication to " + region, [&] {
        return require_caught_up(cur_db, old_db, groups_of_target(feeds, region),
                                 std::chrono::seconds(10));
      });
    } catch (const std::exception&) {
      // Refused before the switchback: the current primary takes its writes again.
      log.run("unfence " + current + " (nothing promoted)", [&] {
        reopen_primary(cur_db);
        return json();
      });
      throw;
    }
    auto back = effective_groups(ctx.groups, region, {});
    log.run("promote " + region, [&] {
      for (auto& g : groups_of_target(feeds, region)) {
        drop_subscription_keep_slot(old_db, subscription_name(g.name, region));
        drop_slot(cur_db, subscription_name(g.name, region));
      }
      rebuild_audit_heads(old_db);
      set_replica_guard(old_db, false);
      ensure_publications(old_db, ctx, back);
      for (auto& g : back)
        for (auto& t : g.targets)
          create_slot(old_db, subscription_name(g.name, t));
      return json();
    });
    log.run("repoint replicas", [&] {
      json out = json::object();
      const auto& src = info_of(ctx, region);
      for (auto& g : back)
        for (auto& t : g.targets) {
          if (!s.reachable(t)) {
            out[subscription_name(g.name, t)] = "unreachable";
            continue;
          }
          auto& db = s.at(t);
          auto sub = subscription_name(g.name, t);
          drop_subscription_keep_slot(db, sub);
          if (t != current)
            drop_slot(cur_db, sub);
          create_subscription(db, src, g.name, false, false);
          out[sub] = "from " + region;
        }
      return out;
    });
    log.run("unfence " + region, [&] {
      unfence_region(old_db);
      return json();
    });
    log.run("switch routing", [&] {
      routing.epoch += 1;
      routing.us_write = region;
      routing.fenced.clear();
      return json{{"epoch", routing.epoch}, {"written_in", switch_to(s, ctx, routing)}};
    });
    log.run("unfence " + current, [&] {
      unfence_region(cur_db);
      return json();
    });
    log.run("check", [&] { return checked(s, ctx, routing, report, "check"); });
  } catch (const std::exception& e) {
    report["detail"] = e.what();
    report["ok"] = false;
  }
  return log.report(report);
}

} // namespace kyb::regions
