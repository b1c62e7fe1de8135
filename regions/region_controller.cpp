#include "regions/region_controller.hpp"

#include <map>
#include <set>

#include <caf/blocking_actor.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <nlohmann/json.hpp>

#include "regions/procedure_queue.hpp"
#include "regions/region_ops.hpp"
#include "regions/region_replica.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"
#include "runtime/cluster/member.hpp"
#include "runtime/error.hpp"

namespace kyb::regions {

namespace {

using json = nlohmann::json;
using runtime::admin_atom;

using poll_atom = caf::atom_constant<caf::atom("rpoll")>;
using probe_tick_atom = caf::atom_constant<caf::atom("rprobetk")>;
using route_atom = caf::atom_constant<caf::atom("rroute")>;
using done_atom = caf::atom_constant<caf::atom("rdone")>;
using retry_ensure_atom = caf::atom_constant<caf::atom("rensureagn")>;

constexpr auto peer_timeout = std::chrono::seconds(3);

struct region_metrics {
  base::gauge_family& lag;
  base::gauge_family& sla;
  base::gauge_family& slot_lag;
  base::gauge_family& slot_active;
  base::gauge_family& apply_errors;
  base::gauge_family& loss_bound;
  base::gauge_family& up;
  base::gauge_family& fenced;
  base::gauge_family& epoch;
  base::counter_family& warnings;

  region_metrics()
      : lag(reg().gauge("kyb_replication_lag_seconds",
                        "Age of the source's last heartbeat visible on the target.",
                        {"table", "source_region", "target_region"})),
        sla(reg().gauge("kyb_replication_lag_sla_seconds",
                        "The table's replication lag SLA.",
                        {"table", "source_region", "target_region"})),
        slot_lag(reg().gauge("kyb_replication_slot_lag_bytes",
                             "WAL a replication slot has not confirmed yet.",
                             {"region", "slot"})),
        slot_active(reg().gauge("kyb_replication_slot_active",
                                "1 while a subscriber streams from the slot.",
                                {"region", "slot"})),
        apply_errors(reg().gauge("kyb_replication_apply_errors",
                                 "Apply and initial-sync errors of a subscription.",
                                 {"region", "subscription"})),
        loss_bound(reg().gauge("kyb_replication_loss_bound_seconds",
                               "Last lag sample of a replica behind the US primary: what "
                               "an unplanned failover to it could lose.",
                               {"target_region"})),
        up(reg().gauge("kyb_region_up", "1 while the region's PostgreSQL answers probes.",
                       {"region"})),
        fenced(reg().gauge("kyb_region_fenced", "1 while the region takes no writes.",
                           {"region"})),
        epoch(reg().gauge("kyb_region_routing_epoch", "Epoch of this node's routing.")),
        warnings(reg().counter("kyb_replication_lag_warnings_total",
                               "Times a table's lag crossed half of its SLA.",
                               {"table", "target_region"})) {}

  static base::metrics_registry& reg() { return base::metrics_registry::global(); }
};

struct controller_state {
  controller_config cfg;
  controller_hooks hooks;
  std::unique_ptr<region_metrics> metrics;
  std::map<std::string, caf::actor> replicas; ///< sampling and heartbeats
  std::map<std::string, caf::actor> probers;
  std::map<std::string, json> samples;
  std::map<std::string, int> failed_probes;
  std::set<std::string> down;
  std::map<std::string, double> loss; ///< target region -> last lag sample (s)
  /// (group, target) -> lag (s) of the latest samples; absent while unknown.
  std::map<std::pair<std::string, std::string>, double> lags;
  std::set<std::pair<std::string, std::string>> warned; ///< (group, target) over 50 %
  routing_table table;
  bool ensured = false;
  json ensure_report;
  procedure_queue procedures; ///< the running one and those waiting their turn
  std::chrono::steady_clock::time_point procedure_started;
  caf::response_promise pending;
  static inline const char* name = "region_controller";
};

using controller_actor = caf::stateful_actor<controller_state>;

op_context make_context(const controller_state& st) {
  op_context ctx;
  ctx.regions = st.cfg.regions;
  ctx.groups = st.cfg.groups;
  ctx.synchronous = st.cfg.settings.synchronous;
  ctx.configured_us_primary = st.cfg.settings.us_primary;
  ctx.data_dir = st.cfg.data_dir;
  return ctx;
}

/// Publishes this node's view: the table and the groups its region may serve reads of.
void publish_view(controller_actor* self) {
  auto& st = self->state;
  auto view = std::make_shared<routing_view>();
  view->self = st.cfg.self_region;
  view->multi_region = true;
  view->table = st.table;
  auto groups = effective_groups(st.cfg.groups, st.table.us_write, st.table.fenced);
  if (!st.down.count(st.cfg.self_region))
    for (auto& g : groups) {
      auto lag = st.lags.find({g.name, st.cfg.self_region});
      if (lag != st.lags.end() && lag->second <= static_cast<double>(g.lag_sla.count()))
        view->fresh_groups.insert(g.name);
    }
  auto old = st.hooks.routes->current();
  bool moved = !old || old->table.epoch != view->table.epoch;
  st.hooks.routes->publish(view);
  st.metrics->epoch.with({}).Set(static_cast<double>(st.table.epoch));
  for (auto& r : st.cfg.regions)
    st.metrics->fenced.with({r.name}).Set(st.table.is_fenced(r.name) ? 1 : 0);
  if (moved && old && st.hooks.on_switch)
    st.hooks.on_switch();
}

/// Tells each replica actor which heartbeats it writes: those of the groups whose
/// source is its region, only on nodes of that region (the writer's own clock).
void assign_heartbeats(controller_actor* self) {
  auto& st = self->state;
  auto groups = effective_groups(st.cfg.groups, st.table.us_write, st.table.fenced);
  for (auto& [region, hdl] : st.replicas) {
    std::vector<std::string> mine;
    if (region == st.cfg.self_region && !st.table.is_fenced(region))
      for (auto& g : groups)
        if (g.source == region)
          mine.push_back(g.name);
    self->send(hdl, beat_groups_atom::value, mine);
  }
}

void apply_routing(controller_actor* self, const routing_table& t) {
  auto& st = self->state;
  if (t.epoch < st.table.epoch)
    return;
  bool changed = t.epoch != st.table.epoch || t.us_write != st.table.us_write ||
                 t.fenced != st.table.fenced;
  st.table = t;
  if (changed) {
    base::log_info("regions.routing", routing_json(t));
    assign_heartbeats(self);
  }
  publish_view(self);
}

/// Updates the metrics and the view from the latest samples.
void digest(controller_actor* self) {
  auto& st = self->state;
  auto& m = *st.metrics;
  auto groups = effective_groups(st.cfg.groups, st.table.us_write, st.table.fenced);
  for (auto& [region, s] : st.samples) {
    if (!s.value("up", false))
      continue;
    for (auto& slot : s["slots"]) {
      m.slot_lag.with({region, slot.value("slot", "")}).Set(slot.value("lag_bytes", 0.0));
      m.slot_active.with({region, slot.value("slot", "")})
          .Set(slot.value("active", false) ? 1 : 0);
    }
    for (auto& sub : s["subscriptions"])
      m.apply_errors.with({region, sub.value("name", "")})
          .Set(sub.value("apply_errors", 0.0) + sub.value("sync_errors", 0.0));
  }
  st.lags.clear();
  for (auto& g : groups) {
    for (auto& target : g.targets) {
      // The age of the group's heartbeat from its current source, as the target sees it.
      auto it = st.samples.find(target);
      double lag = -1;
      if (it != st.samples.end() && it->second.value("up", false)) {
        auto& hb = it->second["heartbeats"];
        if (hb.contains(g.name) && hb[g.name].value("source", "") == g.source)
          lag = hb[g.name].value("age", -1.0);
      }
      // The publisher's view of the same stream: its write lag (the unshipped tail).
      auto src = st.samples.find(g.source);
      if (src != st.samples.end() && src->second.value("up", false))
        for (auto& slot : src->second["slots"])
          if (slot.value("slot", "") == subscription_name(g.name, target) && lag >= 0)
            lag = std::max(lag, slot.value("write_lag", 0.0));
      double sla = static_cast<double>(g.lag_sla.count());
      for (auto& table : g.tables) {
        if (lag >= 0)
          m.lag.with({table, g.source, target}).Set(lag);
        m.sla.with({table, g.source, target}).Set(sla);
      }
      if (lag < 0)
        continue;
      st.lags[{g.name, target}] = lag;
      if (residency_of_region(target) == "us" && g.name == "businesses")
        st.loss[target] = lag;
      m.loss_bound.with({target}).Set(st.loss.count(target) ? st.loss[target] : lag);
      auto key = std::make_pair(g.name, target);
      if (lag >= sla / 2) {
        if (st.warned.insert(key).second) {
          for (auto& table : g.tables)
            m.warnings.with({table, target}).Increment();
          base::log_warn("regions.lag_over_half_sla", {{"group", g.name},
                                                       {"source", g.source},
                                                       {"target", target},
                                                       {"lag_seconds", lag},
                                                       {"sla_seconds", sla}});
        }
      } else {
        st.warned.erase(key);
      }
    }
  }
  publish_view(self);
}

/// Runs a blocking procedure on a thread of its own once it is its turn (see
/// procedure_queue); `body` answers the report and may change the routing table it is
/// given, the one current when it starts (which the controller then adopts).
template <class Body>
void run_procedure(controller_actor* self, caf::response_promise rp, std::string name,
                   procedure_origin origin, Body body) {
  auto& st = self->state;
  auto launch = [self, rp, name, body]() mutable {
    auto& st = self->state;
    base::log_info("regions.procedure_started", {{"procedure", name}});
    st.procedure_started = std::chrono::steady_clock::now();
    st.pending = rp;
    auto ctx = make_context(st);
    auto table = st.table;
    caf::actor controller = caf::actor_cast<caf::actor>(self);
    self->system().spawn<caf::detached>(
        [](caf::blocking_actor* b, op_context ctx, routing_table table, Body body,
           caf::actor controller) {
          ctx.switch_routing = [b, controller](const routing_table& t) {
            b->request(controller, std::chrono::seconds(15), route_atom::value,
                       routing_json(t).dump())
                .receive([](bool) {}, [](caf::error&) {});
          };
          region_sessions sessions(ctx.regions);
          json report;
          try {
            report = body(sessions, ctx, table);
          } catch (const std::exception& e) {
            report = {{"ok", false}, {"detail", e.what()}};
          }
          b->send(controller, done_atom::value, report.dump(),
                  routing_json(table).dump());
        },
        std::move(ctx), std::move(table), std::move(body), std::move(controller));
  };
  auto running = st.procedures.running();
  switch (st.procedures.admit(name, origin, std::move(launch))) {
  case procedure_queue::admission::started:
    return;
  case procedure_queue::admission::waits:
    base::log_info("regions.procedure_waits", {{"procedure", name}, {"behind", running}});
    return;
  case procedure_queue::admission::refused:
    rp.deliver(json{{"ok", false},
                    {"detail", "another region procedure (" + running +
                                   ") is running or waiting on this node; retry when "
                                   "it is done"}}
                   .dump());
    return;
  }
}

/// Applies a new routing here and on every other member (through their agents);
/// answers once all answered or timed out.
void broadcast_routing(controller_actor* self, const routing_table& t,
                       caf::response_promise rp) {
  auto& st = self->state;
  apply_routing(self, t);
  std::vector<caf::actor> agents;
  if (st.hooks.places)
    if (auto view = st.hooks.places->current())
      for (auto& [id, m] : view->members)
        if (id != st.cfg.node_id && m.agent)
          agents.push_back(m.agent);
  if (agents.empty()) {
    rp.deliver(true);
    return;
  }
  auto left = std::make_shared<size_t>(agents.size());
  auto text = routing_json(t).dump();
  for (auto& a : agents)
    self->request(a, peer_timeout, admin_atom::value, std::string("region-route"),
                  std::vector<std::string>{text})
        .then(
            [left, rp](const std::string&) mutable {
              if (--*left == 0)
                rp.deliver(true);
            },
            [left, rp](caf::error&) mutable {
              if (--*left == 0)
                rp.deliver(true);
            });
}

json status_json(controller_actor* self) {
  auto& st = self->state;
  auto groups = effective_groups(st.cfg.groups, st.table.us_write, st.table.fenced);
  json regions = json::array();
  for (auto& r : st.cfg.regions) {
    std::string role = r.name == st.table.us_write   ? "primary (us)"
                       : r.name == st.table.eu_write ? "primary (eu), replica (us)"
                                                     : "replica (us)";
    if (st.table.is_fenced(r.name))
      role = "fenced";
    auto it = st.samples.find(r.name);
    json s = it == st.samples.end() ? json::object() : it->second;
    regions.push_back(
        {{"region", r.name},
         {"role", role},
         {"up", !st.down.count(r.name) && s.value("up", false)},
         {"fenced_in_database", s.value("fenced", false)},
         {"failed_probes", st.failed_probes[r.name]},
         {"slots", s.value("slots", json::array())},
         {"subscriptions", s.value("subscriptions", json::array())},
         {"synchronous_standby_names", s.value("synchronous_standby_names", "")}});
  }
  json lags = json::array();
  for (auto& g : groups)
    for (auto& target : g.targets) {
      auto known = st.lags.find({g.name, target});
      json lag = known == st.lags.end() ? json(nullptr) : json(known->second);
      double sla = static_cast<double>(g.lag_sla.count());
      std::string state = lag.is_null()                  ? "unknown"
                          : lag.get<double>() > sla      ? "over SLA"
                          : lag.get<double>() >= sla / 2 ? "warning (over half the SLA)"
                                                         : "ok";
      lags.push_back({{"group", g.name},
                      {"tables", g.tables},
                      {"source", g.source},
                      {"target", target},
                      {"lag_seconds", lag},
                      {"sla_seconds", sla},
                      {"state", state}});
    }
  json loss = json::object();
  for (auto& [t, v] : st.loss)
    loss[t] = v;
  auto view = st.hooks.routes->current();
  return {
      {"node", st.cfg.node_id},
      {"node_region", st.cfg.self_region},
      {"routing", routing_json(st.table)},
      {"regions", regions},
      {"lag", lags},
      {"loss_bound_seconds", loss},
      {"fresh_here", view ? std::vector<std::string>(view->fresh_groups.begin(),
                                                     view->fresh_groups.end())
                          : std::vector<std::string>{}},
      {"ensured", st.ensured},
      {"procedure", st.procedures.busy() ? json(st.procedures.running()) : json(nullptr)},
      {"procedures_waiting", st.procedures.waiting()},
      {"ensure", st.ensure_report},
      {"auto_failover", st.cfg.settings.auto_failover}};
}

/// Makes replication exist as configured (the report is marked as ensure's, which the
/// controller records when it is done).
void start_ensure(controller_actor* self, caf::response_promise rp,
                  procedure_origin origin) {
  run_procedure(self, std::move(rp), "ensure", origin,
                [](region_sessions& s, op_context& ctx, routing_table& t) {
                  auto r = ensure_regions(s, ctx, t);
                  r["ensure"] = true;
                  return r;
                });
}

/// Whether this node acts on a detected failure: the first live node (by id) of the
/// region that takes over, so that one node runs the failover.
bool acts_on_failure(controller_actor* self, const std::string& takeover) {
  auto& st = self->state;
  if (st.cfg.self_region != takeover || !st.hooks.places)
    return false;
  auto view = st.hooks.places->current();
  if (!view)
    return true;
  for (auto& [id, m] : view->members)
    if (m.region == takeover)
      return id == st.cfg.node_id;
  return true;
}

void start_failover(controller_actor* self, caf::response_promise rp,
                    const std::string& failed, procedure_origin origin) {
  auto failures = self->state.cfg.settings.probe_failures;
  auto interval = self->state.cfg.settings.probe_interval;
  auto loss = self->state.loss;
  run_procedure(self, rp, "failover of " + failed, origin,
                [failed, failures, interval, loss](region_sessions& s, op_context& ctx,
                                                   routing_table& t) {
                  ctx.loss_bound = [loss](const std::string& target) {
                    auto it = loss.find(target);
                    return it == loss.end() ? 0.0 : it->second;
                  };
                  return fail_over(s, ctx, t, failed, failures, interval);
                });
}

void on_probe(controller_actor* self, const std::string& region, bool ok) {
  auto& st = self->state;
  auto& n = st.failed_probes[region];
  n = ok ? 0 : n + 1;
  st.metrics->up.with({region}).Set(ok ? 1 : 0);
  if (ok && st.down.erase(region)) {
    base::log_info("regions.region_up", {{"region", region}});
    // A returning region that was failed over stays fenced.
    if (st.table.is_fenced(region))
      run_procedure(self, self->make_response_promise(), "fence " + region,
                    procedure_origin::node,
                    [region](region_sessions& s, op_context&, routing_table& t) {
                      // It may have waited behind a failback that readmitted it.
                      if (!t.is_fenced(region))
                        return json{{"ok", true}, {"detail", region + " is readmitted"}};
                      if (auto err = fence_region(s.at(region)))
                        return json{{"ok", false}, {"detail", detail_of(err)}};
                      return json{{"ok", true}, {"fenced", region}};
                    });
  }
  if (!ok && n >= st.cfg.settings.probe_failures && st.down.insert(region).second) {
    base::log_warn(
        "regions.region_down",
        {{"region", region}, {"failed_probes", n}, {"us_write", st.table.us_write}});
    if (st.cfg.settings.auto_failover && region == st.table.us_write &&
        region == "us-east-1" && acts_on_failure(self, "us-west-2") &&
        !st.procedures.busy()) {
      base::log_warn("regions.auto_failover", {{"failed_region", region}});
      start_failover(self, self->make_response_promise(), region, procedure_origin::node);
    }
  }
}

} // namespace

std::vector<region_info> configured_regions(const config::settings& s) {
  std::vector<region_info> out;
  for (auto& item : s.regions.databases) {
    auto eq = item.find('=');
    out.push_back({item.substr(0, eq), item.substr(eq + 1),
                   item.substr(0, eq) == s.regions.us_primary});
  }
  return out;
}

bool is_region_command(const std::string& cmd) {
  return cmd.rfind("region-", 0) == 0 || cmd == "drill-region-failover";
}

caf::actor spawn_region_controller(caf::actor_system& sys, controller_config cfg,
                                   controller_hooks hooks) {
  // Arguments, not captures: CAF 0.17 binds an empty argument tuple through a null
  // pointer (UBSan reports it).
  return sys.spawn(
      [](controller_actor* self, controller_config cfg,
         controller_hooks hooks) -> caf::behavior {
        auto& st = self->state;
        st.cfg = cfg;
        st.hooks = hooks;
        st.metrics = std::make_unique<region_metrics>();
        st.table.us_write = cfg.settings.us_primary;
        for (auto& r : cfg.regions) {
          st.replicas[r.name] =
              spawn_region_replica(self->system(), r, cfg.settings.heartbeat_interval);
          st.probers[r.name] =
              spawn_region_replica(self->system(), r, cfg.settings.heartbeat_interval);
          self->link_to(st.replicas[r.name]);
          self->link_to(st.probers[r.name]);
        }
        publish_view(self);
        // Replication as configured, before heartbeats: migrations, publications,
        // subscriptions, constraints, fences.
        start_ensure(self, self->make_response_promise(), procedure_origin::node);
        self->send(self, poll_atom::value);
        self->send(self, probe_tick_atom::value);
        return {
            [self](poll_atom) {
              auto& st = self->state;
              for (auto& [region, hdl] : st.replicas) {
                auto name = region;
                self->request(hdl, st.cfg.settings.poll_interval * 5, sample_atom::value)
                    .then(
                        [self, name](const std::string& text) {
                          auto j = json::parse(text, nullptr, false);
                          if (!j.is_discarded())
                            self->state.samples[name] = j;
                        },
                        [self, name](caf::error&) {
                          self->state.samples[name] = {{"up", false},
                                                       {"error", "no sample"}};
                        });
              }
              digest(self);
              self->delayed_send(self, st.cfg.settings.poll_interval, poll_atom::value);
            },
            [self](probe_tick_atom) {
              auto& st = self->state;
              for (auto& [region, hdl] : st.probers) {
                auto name = region;
                self->request(hdl, st.cfg.settings.probe_interval * 2, probe_atom::value)
                    .then([self, name](bool ok) { on_probe(self, name, ok); },
                          [self, name](caf::error&) { on_probe(self, name, false); });
              }
              self->delayed_send(self, st.cfg.settings.probe_interval,
                                 probe_tick_atom::value);
            },
            [self](route_atom, const std::string& text) -> caf::result<bool> {
              auto j = json::parse(text, nullptr, false);
              if (j.is_discarded())
                return make_error(errc::invalid_argument, "routing is not JSON");
              auto rp = self->make_response_promise<bool>();
              broadcast_routing(self, routing_from_json(j), rp);
              return rp;
            },
            [self](done_atom, const std::string& report, const std::string& table) {
              auto& st = self->state;
              auto r = json::parse(report, nullptr, false);
              base::log_info(
                  "regions.procedure_done",
                  {{"procedure", st.procedures.running()},
                   {"ok", !r.is_discarded() && r.value("ok", false)},
                   {"ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - st.procedure_started)
                              .count()},
                   // Failovers and failbacks leave their steps in the log for the
                   // audit, automatic ones included (no one waits for their report).
                   {"steps",
                    r.is_discarded() ? json::array() : r.value("steps", json::array())},
                   {"loss_bound_seconds",
                    r.is_discarded() ? json(nullptr)
                                     : r.value("loss_bound_seconds", json(nullptr))},
                   {"detail", r.is_discarded() ? json(nullptr)
                                               : r.value("detail", json(nullptr))}});
              auto t = json::parse(table, nullptr, false);
              if (!t.is_discarded())
                apply_routing(self, routing_from_json(t));
              if (!r.is_discarded() && r.value("ensure", false)) {
                st.ensured = r.value("ok", false);
                st.ensure_report = r;
                if (!st.ensured) {
                  // A region may be down or another node ensuring at the same moment:
                  // try again until it holds.
                  base::log_error("regions.ensure_failed", r);
                  self->delayed_send(self, std::chrono::seconds(2),
                                     retry_ensure_atom::value);
                } else
                  base::log_info("regions.ensured",
                                 {{"routing", routing_json(st.table)}});
                assign_heartbeats(self);
              }
              if (st.pending.pending())
                st.pending.deliver(report);
              st.pending = caf::response_promise{};
              st.procedures.finish();
            },
            [self](retry_ensure_atom) {
              auto& st = self->state;
              if (st.ensured)
                return;
              if (st.procedures.busy()) {
                self->delayed_send(self, std::chrono::seconds(2),
                                   retry_ensure_atom::value);
                return;
              }
              start_ensure(self, self->make_response_promise(), procedure_origin::node);
            },
            [self](admin_atom, const std::string& cmd,
                   const std::vector<std::string>& args) -> caf::result<std::string> {
              auto& st = self->state;
              if (cmd == "region-status")
                return status_json(self).dump();
              if (cmd == "region-route") {
                auto j = args.size() == 1 ? json::parse(args[0], nullptr, false) : json();
                if (j.is_discarded() || !j.is_object())
                  return make_error(errc::invalid_argument,
                                    "region-route needs routing JSON");
                apply_routing(self, routing_from_json(j));
                return json{{"node", st.cfg.node_id}, {"epoch", st.table.epoch}}.dump();
              }
              // The promise is made only once the command is valid: an error returned
              // after make_response_promise() would reach no one.
              if (cmd == "region-check") {
                auto rp = self->make_response_promise<std::string>();
                run_procedure(self, rp, "check", procedure_origin::operator_command,
                              [](region_sessions& s, op_context& ctx, routing_table& t) {
                                return check_regions(s, ctx, t);
                              });
                return rp;
              }
              if (cmd == "region-ensure") {
                auto rp = self->make_response_promise<std::string>();
                start_ensure(self, rp, procedure_origin::operator_command);
                return rp;
              }
              auto known = [&](const std::string& r) {
                for (auto& x : st.cfg.regions)
                  if (x.name == r)
                    return true;
                return false;
              };
              if (cmd == "drill-region-failover" || cmd == "region-failback") {
                if (args.size() != 1 || !known(args[0]))
                  return make_error(
                      errc::invalid_argument,
                      cmd + " needs one region: us-east-1, us-west-2 or eu-west-1");
                auto rp = self->make_response_promise<std::string>();
                if (cmd == "drill-region-failover") {
                  start_failover(self, rp, args[0], procedure_origin::operator_command);
                } else {
                  auto region = args[0];
                  run_procedure(
                      self, rp, "failback of " + region,
                      procedure_origin::operator_command,
                      [region](region_sessions& s, op_context& ctx, routing_table& t) {
                        return fail_back(s, ctx, t, region);
                      });
                }
                return rp;
              }
              return make_error(errc::invalid_argument,
                                "unknown region command '" + cmd + "'");
            },
        };
      },
      std::move(cfg), std::move(hooks));
}

} // namespace kyb::regions
