#include "regions/region_replica.hpp"

#include <memory>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <nlohmann/json.hpp>

#include "regions/pg_session.hpp"
#include "regions/region_ops.hpp"

namespace kyb::regions {

namespace {

using json = nlohmann::json;

struct replica_state {
  std::unique_ptr<pg_session> db;
  std::vector<std::string> beat_groups;
  std::string region;
  std::chrono::milliseconds interval{250};
  bool beating = false;
  static inline const char* name = "region_replica";
};

double num(const std::string& s) {
  return s.empty() ? 0.0 : std::stod(s);
}

json sample(pg_session& db) {
  json out{{"region", db.region()}, {"up", false}};
  try {
    auto slots = db.query(
        "SELECT s.slot_name, s.active, "
        "COALESCE(pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn), "
        "0)::bigint, "
        "COALESCE(extract(epoch FROM r.write_lag), 0), "
        "COALESCE(extract(epoch FROM r.flush_lag), 0), "
        "COALESCE(extract(epoch FROM r.replay_lag), 0), s.wal_status "
        "FROM pg_replication_slots s LEFT JOIN pg_stat_replication r ON r.pid = "
        "s.active_pid WHERE s.slot_type = 'logical' AND s.database = current_database() "
        "ORDER BY 1");
    out["up"] = true;
    json js = json::array();
    for (auto& r : slots)
      js.push_back({{"slot", r[0]},
                    {"active", r[1] == "t"},
                    {"lag_bytes", num(r[2])},
                    {"write_lag", num(r[3])},
                    {"flush_lag", num(r[4])},
                    {"replay_lag", num(r[5])},
                    {"wal_status", r[6]}});
    out["slots"] = js;
    json hb = json::object();
    for (auto& r : db.query("SELECT grp, source, extract(epoch FROM clock_timestamp() - "
                            "ts) FROM replication_heartbeats"))
      hb[r[0]] = {{"source", r[1]}, {"age", num(r[2])}};
    out["heartbeats"] = hb;
    json subs = json::array();
    for (auto& r : db.query(
             "SELECT s.subname, s.subenabled, COALESCE(st.apply_error_count, 0), "
             "COALESCE(st.sync_error_count, 0), (SELECT count(*) FROM "
             "pg_stat_subscription w WHERE w.subid = s.oid AND w.pid IS NOT NULL) FROM "
             "pg_subscription s LEFT JOIN pg_stat_subscription_stats st ON st.subid = "
             "s.oid WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = "
             "current_database()) ORDER BY 1"))
      subs.push_back({{"name", r[0]},
                      {"enabled", r[1] == "t"},
                      {"apply_errors", num(r[2])},
                      {"sync_errors", num(r[3])},
                      {"workers", num(r[4])}});
    out["subscriptions"] = subs;
    out["fenced"] = is_fenced(db);
    out["synchronous_standby_names"] = db.scalar("SHOW synchronous_standby_names");
  } catch (const std::exception& e) {
    out["up"] = false;
    out["error"] = e.what();
    db.reset();
  }
  return out;
}

} // namespace

caf::actor spawn_region_replica(caf::actor_system& sys, region_info region,
                                std::chrono::milliseconds heartbeat_interval) {
  return sys.spawn<caf::detached>(
      [](caf::stateful_actor<replica_state>* self, region_info region,
         std::chrono::milliseconds heartbeat_interval) -> caf::behavior {
        auto& st = self->state;
        st.region = region.name;
        st.interval = heartbeat_interval;
        st.db = std::make_unique<pg_session>(region.name, region.dsn,
                                             std::chrono::milliseconds(1000),
                                             std::chrono::milliseconds(10000));
        return {
            [self](sample_atom) -> std::string { return sample(*self->state.db).dump(); },
            [self](probe_atom) -> bool {
              try {
                self->state.db->query("SELECT 1");
                return true;
              } catch (const std::exception&) {
                self->state.db->reset();
                return false;
              }
            },
            [self](beat_groups_atom, std::vector<std::string>& groups) {
              auto& st = self->state;
              st.beat_groups = std::move(groups);
              if (!st.beating && !st.beat_groups.empty()) {
                st.beating = true;
                self->send(self, beat_atom::value);
              }
            },
            [self](beat_atom) {
              auto& st = self->state;
              if (st.beat_groups.empty()) {
                st.beating = false;
                return;
              }
              std::string values;
              for (auto& g : st.beat_groups)
                values += (values.empty() ? "(" : ", (") + sql_literal(g) + ", " +
                          sql_literal(st.region) + ", clock_timestamp())";
              try {
                st.db->query(
                    "INSERT INTO replication_heartbeats (grp, source, ts) VALUES " +
                    values +
                    " ON CONFLICT (grp) DO UPDATE SET source = EXCLUDED.source, "
                    "ts = EXCLUDED.ts");
              } catch (const std::exception&) {
                // Down or fenced: the lag on the targets grows, which is the signal.
                st.db->reset();
              }
              self->delayed_send(self, st.interval, beat_atom::value);
            },
        };
      },
      std::move(region), heartbeat_interval);
}

} // namespace kyb::regions
