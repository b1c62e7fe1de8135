#include "regions/region_replica.hpp"

#include <cstdlib>
#include <memory>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <nlohmann/json.hpp>

#include "regions/region_ops.hpp"
#include "regions/region_sql.hpp"
#include "runtime/error.hpp"

namespace kyb::regions {

namespace {

using json = nlohmann::json;

struct replica_state {
  std::unique_ptr<pg_blocking_session> db;
  std::vector<std::string> beat_groups;
  std::string region;
  std::chrono::milliseconds interval{250};
  bool beating = false;
  static inline const char* name = "region_replica";
};

double num(const std::string& s) {
  return std::strtod(s.c_str(), nullptr);
}

/// The replication state of `db`'s region: its slots with their lag, the heartbeats it
/// received, its subscriptions, its fence. An error is reported in the sample.
caf::expected<json> read_sample(pg_blocking_session& db) {
  json out{{"region", db.label()}, {"up", true}};
  auto slots = db.query(sql::slot_lags);
  if (!slots)
    return slots.error();
  json js = json::array();
  for (auto& r : *slots)
    js.push_back({{"slot", r[0]},
                  {"active", r[1] == "t"},
                  {"lag_bytes", num(r[2])},
                  {"write_lag", num(r[3])},
                  {"flush_lag", num(r[4])},
                  {"replay_lag", num(r[5])},
                  {"wal_status", r[6]}});
  out["slots"] = js;
  auto beats = db.query(sql::heartbeat_ages);
  if (!beats)
    return beats.error();
  json hb = json::object();
  for (auto& r : *beats)
    hb[r[0]] = {{"source", r[1]}, {"age", num(r[2])}};
  out["heartbeats"] = hb;
  auto states = db.query(sql::subscription_states);
  if (!states)
    return states.error();
  json subs = json::array();
  for (auto& r : *states)
    subs.push_back({{"name", r[0]},
                    {"enabled", r[1] == "t"},
                    {"apply_errors", num(r[2])},
                    {"sync_errors", num(r[3])},
                    {"workers", num(r[4])}});
  out["subscriptions"] = subs;
  auto fenced = is_fenced(db);
  if (!fenced)
    return fenced.error();
  out["fenced"] = *fenced;
  auto names = db.scalar(sql::show_synchronous_names);
  if (!names)
    return names.error();
  out["synchronous_standby_names"] = *names;
  return out;
}

json sample(pg_blocking_session& db) {
  auto out = read_sample(db);
  if (out)
    return *out;
  db.reset();
  return {{"region", db.label()}, {"up", false}, {"error", detail_of(out.error())}};
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
        st.db = region_session(region.name, region.dsn, std::chrono::milliseconds(1000),
                               std::chrono::milliseconds(10000));
        return {
            [self](sample_atom) -> std::string { return sample(*self->state.db).dump(); },
            [self](probe_atom) -> bool {
              if (self->state.db->exec(sql::probe)) {
                self->state.db->reset();
                return false;
              }
              return true;
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
              // Down or fenced: the lag on the targets grows, which is the signal.
              if (st.db->exec(sql::beat(st.beat_groups, st.region)))
                st.db->reset();
              self->delayed_send(self, st.interval, beat_atom::value);
            },
        };
      },
      std::move(region), heartbeat_interval);
}

} // namespace kyb::regions
