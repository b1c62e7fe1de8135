#include "regions/region_ops.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "config/settings.hpp"
#include "persistence/migration.hpp"
#include "persistence/migrator.hpp"
#include "regions/region_sql.hpp"
#include "regions/table_diff.hpp"
#include "runtime/base/uuid.hpp"
#include "runtime/error.hpp"

namespace kyb::regions {

using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;
using persistence::is_connection_error;

namespace {

using db_t = pg_blocking_session;

double ms_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

/// An error of a region procedure, named after the region it concerns.
caf::error failure(errc code, const std::string& region, const std::string& what) {
  return make_error(code, region + ": " + what);
}

/// A count PostgreSQL answered as text (0 for anything else).
uint64_t to_count(const std::string& s) {
  return std::strtoull(s.c_str(), nullptr, 10);
}

/// A procedure's steps, each timed. A failing step is recorded and ends the procedure.
struct step_log {
  json steps = json::array();
  clock_type::time_point start = clock_type::now();
  std::string failed;

  /// Runs `f` (answering the step's detail or its error) as the step `name`.
  template <class F>
  caf::expected<json> run(const std::string& name, F f) {
    auto t0 = clock_type::now();
    caf::expected<json> detail = f();
    if (!detail) {
      steps.push_back({{"step", name},
                       {"ms", ms_since(t0)},
                       {"ok", false},
                       {"detail", detail_of(detail.error())}});
      failed = name;
      return detail;
    }
    json s{{"step", name}, {"ms", ms_since(t0)}, {"ok", true}};
    if (!detail->is_null())
      s["detail"] = *detail;
    steps.push_back(s);
    return detail;
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

/// Runs `f` (answering an error), again when another node changed the same catalog row
/// at the same moment (every node ensures at start).
template <class F>
caf::error retry_concurrent(F f) {
  for (int attempt = 0;; ++attempt) {
    auto err = f();
    if (!err || attempt >= 4 ||
        detail_of(err).find("tuple concurrently updated") == std::string::npos)
      return err;
    std::this_thread::sleep_for(std::chrono::milliseconds(100 * (attempt + 1)));
  }
}

/// Runs `f`, which creates an object; another node making it at the same moment is fine.
template <class F>
caf::error create_once(F f) {
  auto err = f();
  if (err && detail_of(err).find("already exists") != std::string::npos)
    return {};
  return err;
}

/// Sets the source's synchronous_standby_names ("" resets it) and reloads.
caf::error set_synchronous_names(db_t& db, const std::string& want) {
  auto have = db.scalar(sql::show_synchronous_names);
  if (!have)
    return have.error();
  if (*have == want)
    return {};
  if (auto err =
          retry_concurrent([&] { return db.exec(sql::set_synchronous_names(want)); }))
    return err;
  return db.exec(sql::reload_conf);
}

caf::expected<bool> exists(db_t& db, const std::string& query) {
  auto r = db.query(query);
  if (!r)
    return r.error();
  return !r->empty();
}

caf::expected<bool> has_subscription(db_t& db, const std::string& sub) {
  return exists(db, sql::subscription_exists(sub));
}

caf::expected<bool> has_slot(db_t& db, const std::string& slot) {
  return exists(db, sql::slot_exists(slot));
}

/// Drops a subscription but keeps its slot on the publisher (which may be dead).
caf::error drop_subscription_keep_slot(db_t& db, const std::string& sub) {
  auto has = has_subscription(db, sub);
  if (!has)
    return has.error();
  if (!*has)
    return {};
  for (auto& q : {sql::disable_subscription(sub), sql::detach_subscription_slot(sub),
                  sql::drop_subscription(sub)})
    if (auto err = db.exec(q))
      return err;
  return {};
}

caf::error create_slot(db_t& db, const std::string& slot) {
  auto has = has_slot(db, slot);
  if (!has)
    return has.error();
  return *has ? caf::error{} : db.exec(sql::create_logical_slot(slot));
}

/// Drops a slot, ending the walsender that holds it first.
caf::error drop_slot(db_t& db, const std::string& slot) {
  for (int i = 0; i < 50; ++i) {
    auto has = has_slot(db, slot);
    if (!has)
      return has.error();
    if (!*has)
      return {};
    if (auto err = db.exec(sql::terminate_slot_holder(slot)))
      return err;
    // Refused while the walsender is still going: the next round tries again.
    if (auto err = db.exec(sql::drop_inactive_slot(slot)); is_connection_error(err))
      return err;
    auto still = has_slot(db, slot);
    if (!still)
      return still.error();
    if (!*still)
      return {};
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return failure(errc::conflict, db.label(), "slot " + slot + " stays active");
}

const region_info* info_of(const op_context& ctx, const std::string& name) {
  for (auto& r : ctx.regions)
    if (r.name == name)
      return &r;
  return nullptr;
}

caf::error not_configured(const std::string& region) {
  return failure(errc::invalid_argument, region, "not a configured region");
}

caf::error create_subscription(db_t& target, const op_context& ctx,
                               const std::string& source, const std::string& group,
                               bool copy_data, bool create_slot_too) {
  auto* src = info_of(ctx, source);
  if (!src)
    return not_configured(source);
  return target.exec(sql::create_subscription(subscription_name(group, target.label()),
                                              src->dsn, publication_list(group),
                                              copy_data, create_slot_too));
}

caf::error ensure_publications(db_t& db, const op_context& ctx,
                               const std::vector<table_group>& groups) {
  std::string error;
  auto plan = replication_plan(ctx.regions, groups, error);
  if (!error.empty())
    return failure(errc::invalid_argument, db.label(), error);
  for (auto& step : plan) {
    if (step.region != db.label() || step.object.rfind("publication", 0) != 0)
      continue;
    auto has = exists(db, step.check_sql);
    if (!has)
      return has.error();
    if (!*has)
      if (auto err = create_once([&] { return db.exec(step.create_sql); }))
        return err;
  }
  return {};
}

/// Waits until `target` applied everything `source` had committed when the wait began
/// for the group's subscription, and its initial copy is done. False on timeout.
caf::expected<bool> wait_caught_up(db_t& source, db_t& target, const std::string& group,
                                   std::chrono::milliseconds timeout) {
  auto slot = subscription_name(group, target.label());
  auto lsn = source.scalar(sql::current_wal_lsn);
  if (!lsn)
    return lsn.error();
  auto deadline = clock_type::now() + timeout;
  while (clock_type::now() < deadline) {
    auto done = source.scalar(sql::slot_confirmed_up_to(slot, *lsn));
    if (!done)
      return done.error();
    auto syncing = target.scalar(sql::subscription_tables_syncing(slot));
    if (!syncing)
      return syncing.error();
    if (*done == "t" && *syncing == "0")
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

/// Waits until `target` caught up with `source` for each group of `groups` (each within
/// `timeout`); answers {group: true} and fails at the first group that did not: a
/// planned operation must not promote over a known gap (its rows would be lost or
/// diverge).
caf::expected<json> require_caught_up(db_t& source, db_t& target,
                                      const std::vector<table_group>& groups,
                                      std::chrono::milliseconds timeout) {
  json out = json::object();
  for (auto& g : groups) {
    auto caught_up = wait_caught_up(source, target, g.name, timeout);
    if (!caught_up)
      return caught_up.error();
    if (!*caught_up)
      return failure(errc::unavailable, target.label(),
                     "replication of group " + g.name + " from " + source.label() +
                         " did not catch up within " + std::to_string(timeout.count()) +
                         " ms: nothing is promoted over a replication gap");
    out[g.name] = true;
  }
  return out;
}

/// (id, row hash) of the replicated rows of `table`, or of those among `ids`.
caf::expected<row_hashes> read_row_hashes(db_t& db, const std::string& table,
                                          const std::vector<std::string>* ids = nullptr) {
  row_hashes out;
  auto add = [&](const std::string& query) -> caf::error {
    auto rs = db.query(query);
    if (!rs)
      return rs.error();
    for (auto& r : *rs)
      out.emplace(r[0], r[1]);
    return {};
  };
  if (!ids) {
    if (auto err = add(sql::row_hashes(table)))
      return err;
  } else {
    for (size_t i = 0; i < ids->size(); i += 500)
      if (auto err = add(sql::row_hashes(table, *ids, i, 500)))
        return err;
  }
  return out;
}

caf::expected<table_diff> diff_table(db_t& source, db_t& target,
                                     const std::string& table) {
  auto a = source.query(sql::table_summary(table));
  if (!a)
    return a.error();
  auto b = target.query(sql::table_summary(table));
  if (!b)
    return b.error();
  table_diff d;
  d.source_rows = to_count(a->at(0).at(0));
  d.target_rows = to_count(b->at(0).at(0));
  if (a->at(0) == b->at(0))
    return d;
  auto ha = read_row_hashes(source, table);
  if (!ha)
    return ha.error();
  auto hb = read_row_hashes(target, table);
  if (!hb)
    return hb.error();
  auto counts = d;
  d = compare_rows(*ha, *hb);
  // The counts as of the summary, read together (the hashes are read later).
  d.source_rows = counts.source_rows;
  d.target_rows = counts.target_rows;
  return d;
}

/// Compares `table` on a source that keeps writing and its subscriber: rows that differ
/// at first are read again on the source, then on the target once it applied everything
/// up to that read, so only differences that outlive the lag remain.
caf::expected<table_diff> diff_table_settled(db_t& source, db_t& target,
                                             const std::string& table,
                                             const std::string& group) {
  auto d = diff_table(source, target, table);
  for (int round = 0; round < 3 && d && !d->equal(); ++round) {
    auto ids = d->ids();
    if (ids.empty()) { // the counts moved between the two reads
      if (auto w = wait_caught_up(source, target, group, std::chrono::seconds(5)); !w)
        return w.error();
      d = diff_table(source, target, table);
      continue;
    }
    auto a = read_row_hashes(source, table, &ids);
    if (!a)
      return a.error();
    if (auto w = wait_caught_up(source, target, group, std::chrono::seconds(5)); !w)
      return w.error();
    auto b = read_row_hashes(target, table, &ids);
    if (!b)
      return b.error();
    d = recompare_ids(*d, ids, *a, *b);
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
caf::expected<json> reseed_replica(const op_context& ctx, db_t& source, db_t& replica,
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
      if (!d)
        return d.error();
      std::vector<std::pair<std::string, std::string>> tail; // id, kind
      for (auto& id : d->only_target)
        tail.emplace_back(id, "only_on_" + replica.label());
      for (auto& id : d->differ)
        tail.emplace_back(id, "differs_on_" + replica.label());
      if (tail.empty())
        continue;
      if (!out.is_open()) {
        file = std::filesystem::path(ctx.data_dir.empty() ? "." : ctx.data_dir) /
               "regions" / ("reconcile-" + failback_id + ".ndjson");
        std::error_code ec;
        std::filesystem::create_directories(file.parent_path(), ec);
        out.open(file);
        if (!out)
          return failure(errc::internal, replica.label(),
                         "cannot write the lost tail to " + file.string());
      }
      std::vector<std::string> ids;
      std::map<std::string, std::string> kinds;
      for (auto& [id, kind] : tail) {
        ids.push_back(id);
        kinds[id] = kind;
      }
      for (size_t i = 0; i < ids.size(); i += 200) {
        auto rows = replica.query(sql::rows_as_json(table, ids, i, 200));
        if (!rows)
          return rows.error();
        std::string values;
        for (auto& r : *rows) {
          json line{{"table", table},
                    {"id", r[0]},
                    {"kind", kinds[r[0]]},
                    {"region", replica.label()},
                    {"row", json::parse(r[1], nullptr, false)}};
          out << line.dump() << '\n';
          values +=
              (values.empty() ? "" : ", ") +
              sql::reconciliation_value(failback_id, old_primary, table, r[0], r[1]);
        }
        if (!values.empty())
          if (auto err = source.exec(sql::insert_reconciliation(values)))
            return err;
      }
      exported[table] = {{"only_on_replica", d->only_target.size()},
                         {"differ", d->differ.size()},
                         {"ids", ids_json(ids)}};
      total += tail.size();
    }
  }
  if (out.is_open())
    out.close();
  for (auto& g : groups)
    if (auto err = drop_subscription_keep_slot(
            replica, subscription_name(g.name, replica.label())))
      return err;
  // Without FK triggers (replica role): the rows go table by table, parents included.
  if (auto err = replica.exec(sql::set_replication_role(true)))
    return err;
  std::vector<std::string> names;
  for (auto& g : groups) {
    names.push_back(g.name);
    for (auto& table : g.tables)
      if (auto err = replica.exec(sql::delete_replicated_rows(table)))
        return err;
  }
  if (auto err = replica.exec(sql::delete_heartbeats(names)))
    return err;
  if (auto err = replica.exec(sql::set_replication_role(false)))
    return err;
  for (auto& g : groups) {
    auto slot = has_slot(source, subscription_name(g.name, replica.label()));
    if (!slot)
      return slot.error();
    if (auto err =
            create_subscription(replica, ctx, source.label(), g.name, true, !*slot))
      return err;
  }
  json r{{"exported_rows", total}, {"tables", exported}};
  if (total > 0) {
    r["file"] = file.string();
    r["reconciliation_id"] = failback_id;
  }
  return r;
}

} // namespace

// -- sessions and routing -------------------------------------------------------------

region_sessions::region_sessions(const std::vector<region_info>& regions)
    : regions_(regions) {
  for (auto& r : regions)
    sessions_.emplace(r.name, region_session(r.name, r.dsn));
}

pg_blocking_session& region_sessions::at(const std::string& region) {
  auto it = sessions_.find(region);
  if (it == sessions_.end())
    // No URL: its every statement fails, naming the region.
    it = sessions_.emplace(region, region_session(region, "")).first;
  return *it->second;
}

bool region_sessions::reachable(const std::string& region) {
  auto& db = at(region);
  if (db.exec(sql::probe)) {
    db.reset();
    return false;
  }
  return true;
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
    auto rows = s.at(r.name).query(sql::read_routing);
    if (!rows)
      continue; // unreachable or not migrated yet: the others decide
    routing_table t;
    for (auto& row : *rows) {
      t.epoch = std::max<int64_t>(t.epoch, std::strtoll(row[3].c_str(), nullptr, 10));
      if (row[0] == "us")
        t.us_write = row[1];
      else
        t.eu_write = row[1];
      for (auto& f : config::comma_list(row[2]))
        t.fenced.insert(f);
    }
    if (!rows->empty() && t.epoch > best.epoch)
      best = t;
  }
  return best;
}

std::vector<std::string> write_routing(region_sessions& s, const routing_table& t) {
  std::vector<std::string> fenced(t.fenced.begin(), t.fenced.end());
  std::vector<std::string> written;
  for (auto& r : s.regions()) {
    auto& db = s.at(r.name);
    caf::error err;
    for (auto [residency, writer] : {std::pair{"us", t.us_write}, {"eu", t.eu_write}})
      if (!err)
        err = db.exec(sql::write_routing(residency, writer, fenced, t.epoch));
    // A dead region learns the routing from the others when it returns.
    if (!err)
      written.push_back(r.name);
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

/// Sets or resets the database's read-only default, then ends the sessions opened under
/// the old one (the platform's pools reconnect); replication control sessions stay.
caf::error set_read_only(db_t& db, bool on) {
  auto name = db.scalar(sql::current_database);
  if (!name)
    return name.error();
  if (auto err = db.exec(sql::set_database_read_only(*name, on)))
    return err;
  return db.exec(sql::end_application_sessions);
}

} // namespace

// -- fences ---------------------------------------------------------------------------

caf::error fence_region(pg_blocking_session& db) {
  if (auto err = set_read_only(db, true))
    return err;
  return set_replica_guard(db, true);
}

caf::error unfence_region(pg_blocking_session& db) {
  return set_read_only(db, false);
}

caf::error reopen_primary(pg_blocking_session& db) {
  if (auto err = unfence_region(db))
    return err;
  return set_replica_guard(db, false);
}

caf::error set_replica_guard(pg_blocking_session& db, bool on) {
  // The replicated tables, which migration 0007 guards.
  static const auto guarded = tables_of(seed_table_groups());
  for (auto& t : guarded) {
    auto state = db.scalar(sql::replica_guard_state(t));
    if (!state)
      return state.error();
    if (state->empty())
      continue; // not migrated yet
    if ((*state != "D") == on)
      continue;
    if (auto err = db.exec(sql::set_replica_guard(t, on)))
      return err;
  }
  return {};
}

caf::expected<bool> is_fenced(pg_blocking_session& db) {
  auto r = db.scalar(sql::is_fenced);
  if (!r)
    return r.error();
  return *r == "t";
}

// -- ensure ---------------------------------------------------------------------------

json ensure_regions(region_sessions& s, const op_context& ctx, routing_table& routing) {
  step_log log;
  json report = json::object();
  std::vector<std::string> up;
  auto is_up = [&](const std::string& r) {
    return std::find(up.begin(), up.end(), r) != up.end();
  };
  [&]() -> caf::error {
    auto step = log.run("migrate", [&]() -> caf::expected<json> {
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
    if (!step)
      return step.error();
    step = log.run("routing", [&]() -> caf::expected<json> {
      routing = read_routing(s, ctx);
      if (routing.epoch == 0) {
        routing.epoch = 1;
        write_routing(s, routing);
      }
      return routing_json(routing);
    });
    if (!step)
      return step.error();
    auto groups = effective_groups(ctx.groups, routing.us_write, routing.fenced);
    step = log.run("US clusters refuse EU rows", [&]() -> caf::expected<json> {
      json out = json::array();
      for (auto& r : up) {
        if (residency_of_region(r) != "us")
          continue;
        auto& db = s.at(r);
        for (auto& g : ctx.groups)
          for (auto& t : g.tables) {
            auto name = t + "_us_rows_only";
            auto has = exists(db, sql::constraint_exists(t, name));
            if (!has)
              return has.error();
            if (*has)
              continue;
            if (auto err =
                    create_once([&] { return db.exec(sql::add_us_rows_only(t, name)); }))
              return err;
          }
        out.push_back(r);
      }
      return out;
    });
    if (!step)
      return step.error();
    step = log.run("publications", [&]() -> caf::expected<json> {
      if (auto err = ensure_publications(s.at(routing.us_write), ctx, groups))
        return err;
      return json{{"source", routing.us_write}};
    });
    if (!step)
      return step.error();
    step = log.run("subscriptions", [&]() -> caf::expected<json> {
      json out = json::object();
      bool fresh =
          routing.us_write == ctx.configured_us_primary && routing.fenced.empty();
      for (auto& g : groups)
        for (auto& target : g.targets) {
          auto sub = subscription_name(g.name, target);
          if (!is_up(target)) {
            out[sub] = "target unreachable";
            continue;
          }
          auto& db = s.at(target);
          auto has = has_subscription(db, sub);
          if (!has)
            return has.error();
          if (*has) {
            // A publication that gained tables (a migration added them to the group)
            // reaches an existing subscription only once it is refreshed: the group's
            // tables and its heartbeat table.
            auto count = db.scalar(sql::subscription_table_count(sub));
            if (!count)
              return count.error();
            if (std::stoul(*count) < g.tables.size() + 1) {
              if (auto err = db.exec(sql::refresh_subscription(sub)))
                return err;
              out[sub] = "refreshed (tables added)";
            } else {
              out[sub] = "exists";
            }
            continue;
          }
          if (!fresh) {
            // After a failover a copy would collide with the rows there: failback
            // (which exports the old rows first) makes it.
            out[sub] = "missing (run kybctl region failback " + target + ")";
            continue;
          }
          auto slot = has_slot(s.at(g.source), sub);
          if (!slot)
            return slot.error();
          if (auto err = create_once([&] {
                return create_subscription(db, ctx, g.source, g.name, true, !*slot);
              }))
            return err;
          out[sub] = "created";
        }
      return out;
    });
    if (!step)
      return step.error();
    step = log.run("synchronous replication", [&]() -> caf::expected<json> {
      std::string names;
      json commits = json::object();
      for (auto& g : groups) {
        bool sync = std::find(ctx.synchronous.begin(), ctx.synchronous.end(), g.name) !=
                    ctx.synchronous.end();
        for (auto& t : g.targets) {
          bool counts = sync && residency_of_region(t) == "us";
          auto sub = subscription_name(g.name, t);
          if (counts)
            names += (names.empty() ? "" : ", ") + sql_identifier(sub);
          // A synchronous subscriber commits (and confirms) each applied transaction
          // at once; with its default (off) the confirmation waits for the subscriber's
          // WAL writer and status interval, and so would every commit on the source.
          if (!is_up(t))
            continue;
          auto has = has_subscription(s.at(t), sub);
          if (!has)
            return has.error();
          if (!*has)
            continue;
          std::string want_commit = counts ? "on" : "off";
          auto have = s.at(t).scalar(sql::subscription_sync_commit(sub));
          if (!have)
            return have.error();
          if (*have != want_commit)
            if (auto err = retry_concurrent([&] {
                  return s.at(t).exec(
                      sql::set_subscription_sync_commit(sub, want_commit));
                }))
              return err;
          commits[sub] = want_commit;
        }
      }
      auto want = names.empty() ? std::string{} : "FIRST 1 (" + names + ")";
      if (auto err = set_synchronous_names(s.at(routing.us_write), want))
        return err;
      return json{{"synchronous_standby_names", want}, {"subscriber_commits", commits}};
    });
    if (!step)
      return step.error();
    step = log.run("fences", [&]() -> caf::expected<json> {
      json out = json::object();
      for (auto& r : up) {
        auto& db = s.at(r);
        bool want = routing.is_fenced(r);
        auto have = is_fenced(db);
        if (!have)
          return have.error();
        if (want && !*have)
          if (auto err = fence_region(db))
            return err;
        bool replica = r != routing.us_write;
        if (auto err = set_replica_guard(db, replica))
          return err;
        out[r] =
            std::string(want ? "fenced" : (*have ? "fenced (by an operator)" : "open")) +
            (replica ? ", US rows read-only (replica)" : ", US write region");
      }
      return out;
    });
    return step ? caf::error{} : step.error();
  }();
  return log.report(report);
}

// -- check ----------------------------------------------------------------------------

json check_regions(region_sessions& s, const op_context& ctx,
                   const routing_table& routing) {
  step_log log;
  json pairs = json::array();
  bool clean = true;
  auto err = [&]() -> caf::error {
    auto groups = effective_groups(ctx.groups, routing.us_write, routing.fenced);
    auto& src = s.at(routing.us_write);
    auto step = log.run("compare", [&]() -> caf::expected<json> {
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
          auto caught_up = wait_caught_up(src, dst, g.name, std::chrono::seconds(10));
          if (!caught_up)
            return caught_up.error();
          for (auto& table : g.tables) {
            auto d = diff_table_settled(src, dst, table, g.name);
            if (!d)
              return d.error();
            bool eq = d->equal();
            clean = clean && eq;
            json p{{"group", g.name},
                   {"table", table},
                   {"source", g.source},
                   {"target", target},
                   {"source_rows", d->source_rows},
                   {"target_rows", d->target_rows},
                   {"equal", eq},
                   {"caught_up", *caught_up}};
            if (!eq)
              p["differences"] = differences_json(*d);
            pairs.push_back(p);
          }
        }
      return json();
    });
    if (!step)
      return step.error();
    step = log.run("EU rows stay in the EU", [&]() -> caf::expected<json> {
      json out = json::object();
      std::set<std::string> tables;
      for (auto& g : ctx.groups)
        tables.insert(g.tables.begin(), g.tables.end());
      for (auto& r : ctx.regions) {
        if (residency_of_region(r.name) != "us" || !s.reachable(r.name))
          continue;
        uint64_t n = 0;
        for (auto& t : tables) {
          auto count = s.at(r.name).scalar(sql::count_eu_rows(t));
          if (!count)
            return count.error();
          n += to_count(*count);
        }
        out[r.name] = n;
        clean = clean && n == 0;
      }
      return out;
    });
    return step ? caf::error{} : step.error();
  }();
  if (err)
    clean = false;
  return log.report({{"ok", clean}, {"clean", clean}, {"pairs", pairs}});
}

// -- failover -------------------------------------------------------------------------

json fail_over(region_sessions& s, const op_context& ctx, routing_table& routing,
               const std::string& failed, int probe_failures,
               std::chrono::milliseconds probe_interval) {
  step_log log;
  json report{{"drill", "region-failover"}, {"failed_region", failed}};
  auto err = [&]() -> caf::error {
    if (failed != "us-east-1" && failed != "us-west-2")
      return failure(errc::invalid_argument, failed,
                     "no failover plan (us-east-1 or us-west-2)");
    bool planned = false;
    auto step = log.run("detect", [&]() -> caf::expected<json> {
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
    if (!step)
      return step.error();
    report["planned"] = planned;
    if (failed == "us-west-2") {
      // The reverse plan: us-east-1 (the primary) takes us-west-2's traffic
      // (its replica reads) through the load balancer; no consistency check.
      step = log.run(
          "route us-west-2 traffic to " + routing.us_write, [&]() -> caf::expected<json> {
            if (routing.us_write == failed)
              return failure(errc::conflict, failed,
                             "is the US primary now: fail over us-east-1 first?");
            routing.epoch += 1;
            routing.fenced.insert(failed);
            return json{{"epoch", routing.epoch},
                        {"written_in", switch_to(s, ctx, routing)}};
          });
      if (!step)
        return step.error();
      report["loss_bound_seconds"] = 0;
      report["new_primary"] = routing.us_write;
      return {};
    }
    if (routing.us_write != failed)
      return failure(errc::conflict, failed,
                     "is not the US primary (" + routing.us_write + " is)");
    const std::string promoted = "us-west-2";
    auto before = effective_groups(ctx.groups, failed, routing.fenced);
    auto& old_db = s.at(failed);
    auto& new_db = s.at(promoted);
    double loss = 0;
    if (planned) {
      step = log.run("fence " + failed, [&]() -> caf::expected<json> {
        if (auto err = fence_region(old_db))
          return err;
        return json();
      });
      if (!step)
        return step.error();
      step = log.run("drain replication to " + promoted, [&] {
        return require_caught_up(old_db, new_db, groups_of_target(before, promoted),
                                 std::chrono::seconds(10));
      });
      if (!step) {
        // Refused before promoting: the primary takes its writes again.
        log.run("unfence " + failed + " (nothing promoted)",
                [&]() -> caf::expected<json> {
                  if (auto err = reopen_primary(old_db))
                    return err;
                  return json();
                });
        return step.error();
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
    step = log.run("promote " + promoted, [&]() -> caf::expected<json> {
      for (auto& g : groups_of_target(before, promoted))
        if (auto err =
                drop_subscription_keep_slot(new_db, subscription_name(g.name, promoted)))
          return err;
      if (auto err = new_db.exec(sql::rebuild_audit_heads))
        return err;
      if (auto err = set_replica_guard(new_db, false))
        return err;
      if (auto err = set_synchronous_names(new_db, ""))
        return err;
      if (auto err = ensure_publications(new_db, ctx, after))
        return err;
      // Slots before writes: the failback slot of the old primary, and one for each
      // region the new primary feeds.
      json slots = json::array();
      for (auto& g : after) {
        auto names = std::vector<std::string>{};
        for (auto& t : g.targets)
          names.push_back(subscription_name(g.name, t));
        names.push_back(subscription_name(g.name, failed));
        for (auto& slot : names) {
          if (auto err = create_slot(new_db, slot))
            return err;
          slots.push_back(slot);
        }
      }
      return json{{"slots", slots}};
    });
    if (!step)
      return step.error();
    std::set<std::string> repointed;
    for (auto& g : after)
      for (auto& t : g.targets)
        repointed.insert(t);
    for (auto& t : repointed) {
      step = log.run("repoint " + t, [&]() -> caf::expected<json> {
        if (!s.reachable(t))
          return json("unreachable: run kybctl region failback " + t +
                      " when it returns");
        return reseed_replica(ctx, new_db, s.at(t), groups_of_target(after, t), failed);
      });
      if (!step)
        return step.error();
    }
    log.run("switch routing", [&]() -> caf::expected<json> {
      routing = next;
      return json{{"epoch", routing.epoch},
                  {"us_write", routing.us_write},
                  {"written_in", switch_to(s, ctx, routing)}};
    });
    if (!planned) {
      step = log.run("fence " + failed, [&]() -> caf::expected<json> {
        if (!s.reachable(failed))
          return json("unreachable: fenced the moment it answers again");
        if (auto err = fence_region(old_db))
          return err;
        return json("fenced");
      });
      if (!step)
        return step.error();
    }
    log.run("consistency check", [&]() -> caf::expected<json> {
      return checked(s, ctx, routing, report, "check");
    });
    report["new_primary"] = routing.us_write;
    return {};
  }();
  if (err) {
    report["detail"] = detail_of(err);
    report["ok"] = false;
  }
  return log.report(report);
}

// -- failback -------------------------------------------------------------------------

json fail_back(region_sessions& s, const op_context& ctx, routing_table& routing,
               const std::string& region) {
  step_log log;
  json report{{"command", "region-failback"}, {"region", region}};
  auto err = [&]() -> caf::error {
    if (!routing.is_fenced(region))
      return failure(errc::conflict, region, "is not failed over (not fenced)");
    if (!s.reachable(region))
      return failure(errc::unavailable, region, "is still unreachable");
    if (region == "us-west-2") {
      log.run("readmit us-west-2", [&]() -> caf::expected<json> {
        routing.epoch += 1;
        routing.fenced.erase(region);
        switch_to(s, ctx, routing);
        return json{{"epoch", routing.epoch}};
      });
      log.run("check", [&]() -> caf::expected<json> {
        return checked(s, ctx, routing, report, "check");
      });
      return {};
    }
    if (region != "us-east-1" || routing.us_write != "us-west-2")
      return failure(errc::conflict, region, "no failback plan for this state");
    const std::string current = "us-west-2";
    auto& old_db = s.at(region);
    auto& cur_db = s.at(current);
    auto step = log.run("fence " + region, [&]() -> caf::expected<json> {
      if (auto err = fence_region(old_db))
        return err;
      return json();
    });
    if (!step)
      return step.error();
    step = log.run("drop stale slots on " + region, [&]() -> caf::expected<json> {
      json out = json::array();
      auto slots = old_db.query(sql::logical_slots);
      if (!slots)
        return slots.error();
      for (auto& r : *slots) {
        if (auto err = drop_slot(old_db, r[0]))
          return err;
        out.push_back(r[0]);
      }
      if (auto err = set_synchronous_names(old_db, ""))
        return err;
      return out;
    });
    if (!step)
      return step.error();
    routing_table readmitted = routing;
    readmitted.fenced.erase(region);
    auto feeds = effective_groups(ctx.groups, current, readmitted.fenced);
    step = log.run("export the lost tail and resubscribe " + region,
                   [&]() -> caf::expected<json> {
                     auto r = reseed_replica(ctx, cur_db, old_db,
                                             groups_of_target(feeds, region), region);
                     if (r)
                       report["lost_tail"] = *r;
                     return r;
                   });
    if (!step)
      return step.error();
    step = log.run("catch up", [&] {
      return require_caught_up(cur_db, old_db, groups_of_target(feeds, region),
                               std::chrono::seconds(60));
    });
    if (!step)
      return step.error();
    step = log.run("check", [&]() -> caf::expected<json> {
      auto c = checked(s, ctx, readmitted, report, "check_before_switchback");
      if (!c.value("clean", false))
        return failure(errc::conflict, region,
                       "differs from " + current + " after resubscribing");
      return json{{"clean", true}};
    });
    if (!step)
      return step.error();
    // The planned switchback: us-east-1 becomes the primary again.
    step = log.run("fence " + current, [&]() -> caf::expected<json> {
      if (auto err = fence_region(cur_db))
        return err;
      return json();
    });
    if (!step)
      return step.error();
    step = log.run("drain replication to " + region, [&] {
      return require_caught_up(cur_db, old_db, groups_of_target(feeds, region),
                               std::chrono::seconds(10));
    });
    if (!step) {
      // Refused before the switchback: the current primary takes its writes again.
      log.run("unfence " + current + " (nothing promoted)", [&]() -> caf::expected<json> {
        if (auto err = reopen_primary(cur_db))
          return err;
        return json();
      });
      return step.error();
    }
    auto back = effective_groups(ctx.groups, region, {});
    step = log.run("promote " + region, [&]() -> caf::expected<json> {
      for (auto& g : groups_of_target(feeds, region)) {
        if (auto err =
                drop_subscription_keep_slot(old_db, subscription_name(g.name, region)))
          return err;
        if (auto err = drop_slot(cur_db, subscription_name(g.name, region)))
          return err;
      }
      if (auto err = old_db.exec(sql::rebuild_audit_heads))
        return err;
      if (auto err = set_replica_guard(old_db, false))
        return err;
      if (auto err = ensure_publications(old_db, ctx, back))
        return err;
      for (auto& g : back)
        for (auto& t : g.targets)
          if (auto err = create_slot(old_db, subscription_name(g.name, t)))
            return err;
      return json();
    });
    if (!step)
      return step.error();
    step = log.run("repoint replicas", [&]() -> caf::expected<json> {
      json out = json::object();
      for (auto& g : back)
        for (auto& t : g.targets) {
          auto sub = subscription_name(g.name, t);
          if (!s.reachable(t)) {
            out[sub] = "unreachable";
            continue;
          }
          auto& db = s.at(t);
          if (auto err = drop_subscription_keep_slot(db, sub))
            return err;
          if (t != current)
            if (auto err = drop_slot(cur_db, sub))
              return err;
          if (auto err = create_subscription(db, ctx, region, g.name, false, false))
            return err;
          out[sub] = "from " + region;
        }
      return out;
    });
    if (!step)
      return step.error();
    step = log.run("unfence " + region, [&]() -> caf::expected<json> {
      if (auto err = unfence_region(old_db))
        return err;
      return json();
    });
    if (!step)
      return step.error();
    log.run("switch routing", [&]() -> caf::expected<json> {
      routing.epoch += 1;
      routing.us_write = region;
      routing.fenced.clear();
      return json{{"epoch", routing.epoch}, {"written_in", switch_to(s, ctx, routing)}};
    });
    step = log.run("unfence " + current, [&]() -> caf::expected<json> {
      if (auto err = unfence_region(cur_db))
        return err;
      return json();
    });
    if (!step)
      return step.error();
    log.run("check", [&]() -> caf::expected<json> {
      return checked(s, ctx, routing, report, "check");
    });
    return {};
  }();
  if (err) {
    report["detail"] = detail_of(err);
    report["ok"] = false;
  }
  return log.report(report);
}

} // namespace kyb::regions
