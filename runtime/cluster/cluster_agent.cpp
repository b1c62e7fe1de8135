#include "runtime/cluster/cluster_agent.hpp"

#include <csignal>
#include <map>
#include <random>
#include <set>

#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/stateful_actor.hpp>

#include "runtime/base/crypto.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"
#include "runtime/directory.hpp"
#include "runtime/error.hpp"
#include "runtime/supervision/supervisor.hpp"

namespace kyb::runtime {

namespace {

using clock = std::chrono::steady_clock;
using json = nlohmann::json;
using tick_atom = caf::atom_constant<caf::atom("ctick")>;
using drill_atom = caf::atom_constant<caf::atom("drillstep")>;

constexpr auto peer_timeout = std::chrono::seconds(3);

/// How long a smaller view must hold before it becomes the quorum reference. Members
/// lost together (this node was hung, or cut off) are reported one by one within
/// milliseconds; shrinking the reference at each report would let a lone node keep a
/// "majority" of the one member it had left.
constexpr auto quorum_stable_after = std::chrono::milliseconds(1500);

struct agent_state {
  static inline const char* name = "kyb.cluster_agent";
  cluster_config cfg;
  cluster_hooks hooks;
  member_info self;
  std::map<std::string, member_info> members; ///< live members, self included
  std::set<std::string> reference;            ///< the members it last served with
  clock::time_point view_changed = clock::now();
  bool joined = false; ///< part of a cluster (formed or joined)
  bool leaving = false;
  uint64_t version = 0;
  caf::io::middleman_actor mm;
  std::set<std::string> connecting;                     ///< "host:port" in flight
  std::set<std::pair<std::string, uint16_t>> endpoints; ///< seeds and every member seen
  clock::time_point started = clock::now();
  clock::time_point last_sweep = clock::now();
  std::map<std::string, std::shared_ptr<struct drill>> drills; ///< running, by victim
  base::gauge* members_gauge = nullptr;
  base::gauge* serving_gauge = nullptr;
  base::gauge* live_gauge = nullptr;
  base::histogram_family* latency = nullptr;
  std::mt19937_64 rng{std::random_device{}()};
};

using self_ptr = caf::stateful_actor<agent_state>*;

std::string endpoint(const std::string& host, uint16_t port) {
  return host + ":" + std::to_string(port);
}

bool is_first_seed(const agent_state& st) {
  if (st.cfg.seeds.empty())
    return true;
  auto& first = st.cfg.seeds.front();
  return first.first == st.self.host && first.second == st.self.port;
}

bool has_other_seeds(const agent_state& st) {
  for (auto& [h, p] : st.cfg.seeds)
    if (!(h == st.self.host && p == st.self.port))
      return true;
  return false;
}

/// The quorum rule (see the header).
bool quorum(const agent_state& st) {
  if (!st.joined || st.leaving)
    return false;
  if (st.reference.empty())
    return true;
  size_t present = 0;
  for (auto& id : st.reference)
    present += st.members.count(id);
  if (2 * present > st.reference.size())
    return true;
  return 2 * present == st.reference.size() &&
         st.members.count(*st.reference.begin()) > 0;
}

bool covers_reference(const agent_state& st) {
  for (auto& id : st.reference)
    if (!st.members.count(id))
      return false;
  return true;
}

void adopt_reference(agent_state& st) {
  st.reference.clear();
  for (auto& [id, m] : st.members)
    st.reference.insert(id);
}

std::vector<member_info> view_list(const agent_state& st) {
  // Self first: whoever asks learns whose view this is.
  std::vector<member_info> out{st.self};
  for (auto& [id, m] : st.members)
    if (id != st.self.id)
      out.push_back(m);
  return out;
}

void publish(self_ptr self) {
  auto& st = self->state;
  st.members[st.self.id] = st.self;
  st.view_changed = clock::now();
  bool serving = quorum(st);
  // A view that only grew becomes the reference at once; one that lost members only
  // once it has held for quorum_stable_after (see the tick).
  if (serving && covers_reference(st))
    adopt_reference(st);
  auto view = std::make_shared<const placement_view>(
      st.self.id, ++st.version, st.members, serving, st.cfg.shards, st.cfg.vnodes);
  st.hooks.places->publish(view);
  st.hooks.dir->rebalance();
  self->send(st.hooks.leases->get(), rebalance_atom::value);
  st.members_gauge->Set(static_cast<double>(st.members.size()));
  st.serving_gauge->Set(serving ? 1.0 : 0.0);
  json ids = json::array();
  for (auto& [id, m] : st.members)
    ids.push_back(id);
  base::log_info("cluster.view", {{"node", st.self.id},
                                  {"version", st.version},
                                  {"members", ids},
                                  {"serving", serving}});
}

// `id` by value: callers pass keys of `members`, which this erases.
void remove_member(self_ptr self, std::string id, bool gossip) {
  auto& st = self->state;
  auto it = st.members.find(id);
  if (it == st.members.end() || id == st.self.id)
    return;
  auto incarnation = it->second.incarnation;
  self->demonitor(it->second.agent);
  st.members.erase(it);
  if (gossip)
    for (auto& [mid, m] : st.members)
      if (mid != st.self.id)
        self->send(m.agent, member_down_atom::value, id, incarnation);
  publish(self);
}

void add_member(self_ptr self, const member_info& m) {
  auto& st = self->state;
  if (m.id == st.self.id || !m.agent)
    return;
  auto it = st.members.find(m.id);
  if (it != st.members.end()) {
    if (it->second.incarnation == m.incarnation) {
      if (it->second.agent != m.agent) {
        // Same member, a better handle (a direct connection): no change of membership.
        self->demonitor(it->second.agent);
        it->second.agent = m.agent;
        it->second.router = m.router;
        it->second.relay = m.relay;
        self->monitor(m.agent);
      }
      return;
    }
    self->demonitor(it->second.agent); // a restarted node: the new incarnation wins
  }
  st.members[m.id] = m;
  st.endpoints.emplace(m.host, m.port);
  self->monitor(m.agent);
  publish(self);
}

void merge(self_ptr self, const std::vector<member_info>& view);

/// Connects directly to the agent at host:port, then learns its view.
/// Whether the message being handled comes from this node's admin gateway (an actor
/// system of its own, so node ids do not tell it apart from a peer).
bool from_admin_gateway(self_ptr self) {
  auto& slot = self->state.hooks.admin_gateway;
  auto gateway = slot ? slot->get() : caf::actor{};
  auto& sender = self->current_sender();
  return gateway && sender &&
         caf::actor_cast<caf::actor_addr>(sender) == gateway.address();
}

void connect(self_ptr self, const std::string& host, uint16_t port) {
  auto& st = self->state;
  if (host == st.self.host && port == st.self.port)
    return;
  auto ep = endpoint(host, port);
  if (!st.connecting.insert(ep).second)
    return;
  self->request(st.mm, peer_timeout, caf::connect_atom::value, host, port)
      .then(
          [self, ep](caf::node_id&, caf::strong_actor_ptr& ptr, std::set<std::string>&) {
            self->state.connecting.erase(ep);
            auto agent = caf::actor_cast<caf::actor>(ptr);
            if (!agent)
              return;
            self->request(agent, peer_timeout, view_atom::value)
                .then(
                    [self, agent](std::vector<member_info>& view) {
                      if (view.empty())
                        return;
                      view.front().agent =
                          agent; // the handle of our own direct connection
                      merge(self, view);
                    },
                    [](caf::error&) {});
          },
          [self, ep](caf::error&) { self->state.connecting.erase(ep); });
}

void merge(self_ptr self, const std::vector<member_info>& view) {
  auto& st = self->state;
  if (view.empty())
    return;
  // The first entry is the member we talk to, with the handle of our direct connection.
  // The others are added at once with the handles the view carries, so that every node
  // agrees on the membership as soon as possible; a direct connection replaces each
  // handle when it is made.
  add_member(self, view.front());
  for (size_t i = 1; i < view.size(); ++i) {
    auto& m = view[i];
    if (m.id == st.self.id)
      continue;
    auto it = st.members.find(m.id);
    if (it != st.members.end() && it->second.incarnation == m.incarnation)
      continue;
    add_member(self, m);
    connect(self, m.host, m.port);
  }
}

/// Asks the agent at host:port to let this node in.
void try_join(self_ptr self, const std::string& host, uint16_t port) {
  auto& st = self->state;
  self->request(st.mm, peer_timeout, caf::connect_atom::value, host, port)
      .then(
          [self](caf::node_id&, caf::strong_actor_ptr& ptr, std::set<std::string>&) {
            auto agent = caf::actor_cast<caf::actor>(ptr);
            if (!agent)
              return;
            self->request(agent, peer_timeout, join_atom::value, self->state.self)
                .then(
                    [self, agent](std::vector<member_info>& view) {
                      auto& st = self->state;
                      if (view.empty())
                        return;
                      view.front().agent = agent;
                      if (!st.joined)
                        base::log_info("cluster.joined",
                                       {{"node", st.self.id}, {"via", view.front().id}});
                      st.joined = true;
                      st.leaving = false;
                      merge(self, view);
                      publish(self);
                    },
                    [](caf::error&) {});
          },
          [](caf::error&) {});
}

/// Leaves the cluster on purpose: others drop this node at once (no failure detection
/// needed), its entities passivate and its shards move, then the node shuts down.
std::string start_drain(self_ptr self) {
  auto& st = self->state;
  base::log_info("cluster.draining", {{"node", st.self.id}});
  st.leaving = true;
  for (auto& [id, m] : st.members)
    if (id != st.self.id)
      self->send(m.agent, leave_atom::value, st.self.id);
  publish(self); // serving = false: every local entity passivates, leases move away
  // Give the passivating entities a moment to finish their writes, then stop.
  self->delayed_send(self, std::chrono::milliseconds(500), die_atom::value, true);
  return json{{"node", st.self.id}, {"status", "left"}}.dump();
}

// -- admin ----------------------------------------------------------------------------

json member_json(const agent_state& st, const member_info& m) {
  return {{"id", m.id},
          {"cluster", endpoint(m.host, m.port)},
          {"http", m.http},
          {"region", m.region},
          {"incarnation", m.incarnation},
          {"self", m.id == st.self.id},
          {"started_at_ms", m.started_at_ms}};
}

json local_nodes(const agent_state& st) {
  auto view = st.hooks.places->current();
  json members = json::array();
  for (auto& [id, m] : st.members)
    members.push_back(member_json(st, m));
  json ref = json::array();
  for (auto& id : st.reference)
    ref.push_back(id);
  return {{"node", st.self.id},
          {"version", view->version},
          {"serving", view->serving},
          {"joined", st.joined},
          {"leaving", st.leaving},
          {"members", members},
          {"quorum_reference", ref},
          {"live_actors", st.hooks.dir->live_count()},
          {"proxies", st.hooks.dir->proxy_count()}};
}

json local_actors(const agent_state& st) {
  auto& d = *st.hooks.dir;
  json kinds = json::object();
  for (int k = 0; k < 256; ++k) {
    auto name = d.kind_name(static_cast<entity_kind>(k));
    if (name.empty())
      continue;
    json sample = json::array();
    for (auto& id : d.sample(static_cast<entity_kind>(k), 20))
      sample.push_back(id.to_string());
    kinds[name] = {{"live", d.live_count(static_cast<entity_kind>(k))},
                   {"sample", sample}};
  }
  return {{"node", st.self.id},
          {"live", d.live_count()},
          {"proxies", d.proxy_count()},
          {"activations", d.activations()},
          {"passivations", d.passivations()},
          {"kinds", kinds}};
}

/// Asks every member's agent for `local_cmd` and combines the answers under "nodes".
void gather(self_ptr self, const std::string& local_cmd, const std::string& only,
            caf::typed_response_promise<std::string> rp) {
  auto& st = self->state;
  struct acc {
    json nodes = json::array();
    size_t outstanding = 0;
  };
  auto a = std::make_shared<acc>();
  std::vector<member_info> targets;
  for (auto& [id, m] : st.members)
    if (only.empty() || id == only)
      targets.push_back(m);
  if (targets.empty()) {
    rp.deliver(make_error(errc::not_found, "no member called '" + only + "'"));
    return;
  }
  a->outstanding = targets.size();
  auto finish = [a, rp]() mutable {
    if (--a->outstanding == 0)
      rp.deliver(json{{"nodes", a->nodes}}.dump());
  };
  for (auto& m : targets) {
    auto id = m.id;
    self->request(m.agent, peer_timeout, admin_atom::value, local_cmd,
                  std::vector<std::string>{})
        .then(
            [a, finish](std::string& text) mutable {
              a->nodes.push_back(json::parse(text, nullptr, false));
              finish();
            },
            [a, finish, id](caf::error& err) mutable {
              a->nodes.push_back(
                  {{"node", id}, {"error", "unreachable: " + detail_of(err)}});
              finish();
            });
  }
}

// -- failover drill -------------------------------------------------------------------

struct drill {
  std::string victim;
  base::uuid probe;
  clock::time_point started;
  clock::time_point killed;
  json steps = json::array();
  bool down_seen = false;
  std::string new_owner;
  caf::typed_response_promise<std::string> rp;
  int polls = 0;
};

double ms_since(clock::time_point t) {
  return std::chrono::duration<double, std::milli>(clock::now() - t).count();
}

void drill_poll(self_ptr self, std::shared_ptr<drill> d);

void drill_step(const std::shared_ptr<drill>& d, const std::string& what, double ms) {
  d->steps.push_back({{"step", what}, {"ms", ms}});
}

void drill_finish(self_ptr self, const std::shared_ptr<drill>& d, bool ok,
                  const std::string& detail) {
  self->state.drills.erase(d->victim);
  d->rp.deliver(json{{"drill", "kill-node"},
                     {"victim", d->victim},
                     {"ok", ok},
                     {"detail", detail},
                     {"probe", d->probe.to_string()},
                     {"new_owner", d->new_owner},
                     {"steps", d->steps},
                     {"kill_to_served_ms", ms_since(d->killed)},
                     {"total_ms", ms_since(d->started)}}
                    .dump());
}

void drill_poll(self_ptr self, std::shared_ptr<drill> d) {
  auto& st = self->state;
  if (++d->polls > 1500) { // 30 s at 20 ms
    drill_finish(self, d, false, "the probe was not served again within 30 s");
    return;
  }
  if (!d->down_seen && !st.members.count(d->victim)) {
    d->down_seen = true;
    drill_step(d, "declared down by " + st.self.id, ms_since(d->killed));
  }
  auto target = st.hooks.dir->resolve(probe_entity, d->probe);
  if (!target) {
    self->delayed_send(self, std::chrono::milliseconds(20), drill_atom::value, d->victim);
    return;
  }
  self->request(target, std::chrono::milliseconds(500), ping_atom::value)
      .then(
          [self, d](std::string& node) {
            if (node == d->victim || !d->down_seen) {
              self->delayed_send(self, std::chrono::milliseconds(20), drill_atom::value,
                                 d->victim);
              return;
            }
            d->new_owner = node;
            drill_step(d, "probe served again by " + node, ms_since(d->killed));
            drill_finish(self, d, true, "");
          },
          [self, d](caf::error&) {
            self->delayed_send(self, std::chrono::milliseconds(20), drill_atom::value,
                               d->victim);
          });
}

} // namespace

std::string make_incarnation() {
  return base::hex_encode(base::random_bytes(8));
}

caf::actor spawn_cluster_agent(caf::actor_system& sys, cluster_config cfg,
                               cluster_hooks hooks) {
  auto fn = [](self_ptr self, cluster_config cfg, cluster_hooks hooks) -> caf::behavior {
    auto& st = self->state;
    st.cfg = std::move(cfg);
    st.hooks = std::move(hooks);
    st.self = st.cfg.self;
    st.self.agent = caf::actor_cast<caf::actor>(self);
    st.mm = st.cfg.tls ? self->system().openssl_manager().actor_handle()
                       : self->system().middleman().actor_handle();
    for (auto& s : st.cfg.seeds)
      st.endpoints.insert(s);
    auto& m = base::metrics_registry::global();
    st.members_gauge =
        &m.gauge("kyb_cluster_members", "Live members in this node's view").with({});
    st.serving_gauge = &m.gauge("kyb_cluster_serving",
                                "1 while this node holds a quorum and owns shards")
                            .with({});
    st.live_gauge =
        &m.gauge("kyb_runtime_live_actors", "Live entity actors on this node").with({});
    st.latency =
        &m.histogram("kyb_cluster_remote_latency_seconds",
                     "Round trip of a message to another node's agent", {"peer"},
                     {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25});
    st.members[st.self.id] = st.self;
    if (!has_other_seeds(st))
      st.joined = true; // alone by configuration: form the cluster at once
    publish(self);
    self->send(self, tick_atom::value);
    self->set_down_handler([self](caf::down_msg& dm) {
      auto& st = self->state;
      for (auto& [id, m] : st.members)
        if (id != st.self.id && m.agent.address() == dm.source) {
          base::log_warn("cluster.member_down", {{"node", st.self.id}, {"member", id}});
          remove_member(self, id, true);
          return;
        }
    });
    return {
        [self](join_atom, member_info& m) -> caf::result<std::vector<member_info>> {
          auto& st = self->state;
          if (!st.hooks.places->current()->serving)
            return make_error(errc::unavailable,
                              "this node holds no quorum; ask another");
          base::log_info("cluster.member_joined",
                         {{"node", st.self.id}, {"member", m.id}});
          for (auto& [id, other] : st.members)
            if (id != st.self.id && id != m.id)
              self->send(other.agent, member_up_atom::value, m);
          add_member(self, m);
          return view_list(st);
        },
        [self](member_up_atom, member_info& m) {
          auto& st = self->state;
          auto it = st.members.find(m.id);
          if (it == st.members.end() || it->second.incarnation != m.incarnation)
            connect(self, m.host, m.port);
        },
        [self](member_down_atom, const std::string& id, const std::string& incarnation) {
          auto& st = self->state;
          auto it = st.members.find(id);
          if (it != st.members.end() && it->second.incarnation == incarnation)
            remove_member(self, id, false);
        },
        [self](leave_atom, const std::string& id) {
          auto& st = self->state;
          st.reference.erase(id); // it left on purpose: not counted against the quorum
          if (st.members.count(id))
            remove_member(self, id, false);
        },
        [self](view_atom) { return view_list(self->state); },
        [](ping_atom) { return pong_atom::value; },
        [self](tick_atom) {
          auto& st = self->state;
          if (!st.joined && is_first_seed(st) &&
              clock::now() - st.started > st.cfg.bootstrap_timeout) {
            base::log_info("cluster.formed", {{"node", st.self.id}});
            st.joined = true;
            publish(self);
          }
          if (!st.leaving && !st.hooks.places->current()->serving)
            for (auto& [host, port] : st.endpoints)
              if (!(host == st.self.host && port == st.self.port))
                try_join(self, host, port);
          if (!covers_reference(st) && quorum(st) &&
              clock::now() - st.view_changed >= quorum_stable_after) {
            adopt_reference(st);
            base::log_info("cluster.quorum_reference",
                           {{"node", st.self.id}, {"members", st.members.size()}});
          }
          // Anti-entropy and latency: ask every other member for its view.
          for (auto& [id, m] : st.members) {
            if (id == st.self.id)
              continue;
            auto t0 = clock::now();
            auto* series = &st.latency->with({id});
            self->request(m.agent, peer_timeout, view_atom::value)
                .then(
                    [self, t0, series](std::vector<member_info>& view) {
                      series->Observe(
                          std::chrono::duration<double>(clock::now() - t0).count());
                      auto& st = self->state;
                      for (size_t i = 1; i < view.size(); ++i) {
                        auto& m = view[i];
                        auto it = st.members.find(m.id);
                        if (m.id != st.self.id &&
                            (it == st.members.end() ||
                             it->second.incarnation != m.incarnation))
                          connect(self, m.host, m.port);
                      }
                    },
                    [](caf::error&) {});
          }
          // Passivation sweeps run a few times per passivate_after (at most every
          // second).
          if (clock::now() - st.last_sweep >=
              std::max<clock::duration>(std::chrono::seconds(1),
                                        st.cfg.passivate_after / 4)) {
            st.last_sweep = clock::now();
            st.hooks.dir->sweep(st.cfg.passivate_after, st.cfg.max_live);
          }
          st.live_gauge->Set(static_cast<double>(st.hooks.dir->live_count()));
          self->delayed_send(self, st.cfg.rejoin_interval, tick_atom::value);
        },
        [self](drain_node_atom) -> caf::result<std::string> { return start_drain(self); },
        [self](die_atom, bool graceful) {
          if (graceful && self->state.hooks.shutdown)
            self->state.hooks.shutdown();
        },
        [](die_atom) {
          // The kill-node drill: die like kill -9 would make us.
          std::raise(SIGKILL);
        },
        [self](drill_atom, const std::string& victim) {
          auto it = self->state.drills.find(victim);
          if (it != self->state.drills.end())
            drill_poll(self, it->second);
        },
        [self](admin_atom, const std::string& cmd,
               const std::vector<std::string>& args) -> caf::result<std::string> {
          auto& st = self->state;
          // Peers (authenticated nodes) only relay; an operator's command comes through
          // this node's admin endpoint, in this process.
          if (!is_relay_command(cmd) && !from_admin_gateway(self)) {
            base::log_warn("cluster.admin_refused", {{"command", cmd}});
            return make_error(errc::forbidden,
                              "operator commands are taken on a node's admin endpoint "
                              "(cluster.admin_listen) only");
          }
          if (cmd.rfind("region-", 0) == 0 || cmd.rfind("drill-region-", 0) == 0) {
            if (!st.hooks.regions)
              return make_error(errc::invalid_argument,
                                "this node runs a single region (regions.databases is "
                                "not set)");
            auto rp = self->make_response_promise<std::string>();
            self->request(st.hooks.regions, std::chrono::minutes(10), admin_atom::value,
                          cmd, args)
                .then([rp](std::string& r) mutable { rp.deliver(std::move(r)); },
                      [rp](caf::error& e) mutable { rp.deliver(std::move(e)); });
            return rp;
          }
          if (cmd == "local-nodes")
            return local_nodes(st).dump();
          if (cmd == "local-actors")
            return local_actors(st).dump();
          if (cmd == "local-caches")
            return json{{"node", st.self.id},
                        {"caches", st.hooks.caches ? st.hooks.caches() : json()}}
                .dump();
          if (cmd == "local-shards") {
            auto rp = self->make_response_promise<std::string>();
            self->request(st.hooks.leases->get(), peer_timeout, leases_atom::value)
                .then(
                    [self, rp](std::vector<shard_lease>& leases) mutable {
                      json held = json::array();
                      for (auto& l : leases)
                        held.push_back({{"shard", l.shard}, {"epoch", l.epoch}});
                      rp.deliver(
                          json{{"node", self->state.self.id}, {"leases", held}}.dump());
                    },
                    [rp](caf::error& err) mutable { rp.deliver(err); });
            return rp;
          }
          if (cmd == "nodes") {
            if (!args.empty() && args[0] != st.self.id) {
              auto it = st.members.find(args[0]);
              if (it == st.members.end())
                return make_error(errc::not_found, "no member called '" + args[0] + "'");
              auto rp = self->make_response_promise<std::string>();
              self->request(it->second.agent, peer_timeout, admin_atom::value,
                            std::string("local-nodes"), std::vector<std::string>{})
                  .then([rp](std::string& s) mutable { rp.deliver(s); },
                        [rp](caf::error& e) mutable { rp.deliver(e); });
              return rp;
            }
            return local_nodes(st).dump();
          }
          if (cmd == "actors" || cmd == "caches" || cmd == "shards") {
            auto rp = self->make_response_promise<std::string>();
            auto only = args.empty() ? std::string{} : args[0];
            if (cmd != "shards") {
              gather(self, "local-" + cmd, only, rp);
              return rp;
            }
            // shards: the ring's owners here, and the epochs each owner holds.
            auto view = st.hooks.places->current();
            auto rp2 = rp;
            struct acc {
              json nodes = json::array();
              size_t outstanding = 0;
            };
            auto a = std::make_shared<acc>();
            a->outstanding = st.members.size();
            for (auto& [id, m] : st.members) {
              auto mid = id;
              auto done = [a, rp2, view, mid]() mutable {
                if (--a->outstanding > 0)
                  return;
                // The newest lease of each shard and the node holding it: a holder
                // other than the ring's owner is a hand-over still under way.
                std::map<uint32_t, std::pair<int64_t, std::string>> leases;
                for (auto& n : a->nodes)
                  if (n.contains("leases"))
                    for (auto& l : n["leases"]) {
                      auto epoch = l["epoch"].get<int64_t>();
                      auto& newest = leases[l["shard"].get<uint32_t>()];
                      if (newest.second.empty() || epoch > newest.first)
                        newest = {epoch, n.value("node", std::string{})};
                    }
                json shards = json::array();
                std::map<std::string, int> counts;
                for (uint32_t s = 0; s < view->shards; ++s) {
                  auto& owner = view->owner(s);
                  ++counts[owner];
                  auto it = leases.find(s);
                  bool held = it != leases.end();
                  shards.push_back(
                      {{"shard", s},
                       {"owner", owner},
                       {"epoch", held ? json(it->second.first) : json(nullptr)},
                       {"holder", held ? json(it->second.second) : json(nullptr)}});
                }
                rp2.deliver(
                    json{{"shards", view->shards}, {"per_node", counts}, {"map", shards}}
                        .dump());
              };
              self->request(m.agent, peer_timeout, admin_atom::value,
                            std::string("local-shards"), std::vector<std::string>{})
                  .then(
                      [a, done](std::string& s) mutable {
                        a->nodes.push_back(json::parse(s, nullptr, false));
                        done();
                      },
                      [done](caf::error&) mutable { done(); });
            }
            return rp;
          }
          if (cmd == "drain") {
            if (args.empty())
              return make_error(errc::invalid_argument, "drain needs a node id", "node");
            auto it = st.members.find(args[0]);
            if (it == st.members.end())
              return make_error(errc::not_found, "no member called '" + args[0] + "'");
            if (args[0] == st.self.id)
              return start_drain(self);
            auto rp = self->make_response_promise<std::string>();
            self->request(it->second.agent, std::chrono::seconds(30),
                          drain_node_atom::value)
                .then([rp](std::string& s) mutable { rp.deliver(s); },
                      [rp](caf::error& e) mutable { rp.deliver(e); });
            return rp;
          }
          if (cmd == "local-crash-child") {
            auto root = st.hooks.supervisor ? st.hooks.supervisor->get() : caf::actor{};
            if (!root)
              return make_error(errc::unavailable,
                                "this node's supervisor tree is not up");
            std::vector<std::string> path;
            if (!args.empty()) {
              std::string part;
              for (char ch : args[0] + "/") {
                if (ch != '/') {
                  part += ch;
                } else if (!part.empty()) {
                  path.push_back(part);
                  part.clear();
                }
              }
            }
            if (path.empty())
              return make_error(errc::invalid_argument,
                                "crash-child needs a path such as services/audit",
                                "path");
            auto rp = self->make_response_promise<std::string>();
            self->request(root, peer_timeout, crash_atom::value, std::move(path))
                .then(
                    [self, rp](std::string& what) mutable {
                      rp.deliver(json{{"drill", "crash-child"},
                                      {"node", self->state.self.id},
                                      {"crashed", "root/" + what}}
                                     .dump());
                    },
                    [rp](caf::error& err) mutable { rp.deliver(err); });
            return rp;
          }
          if (cmd == "drill-crash-child") {
            if (args.size() != 2)
              return make_error(errc::invalid_argument,
                                "crash-child needs a node id and a child path", "node");
            auto it = st.members.find(args[0]);
            if (it == st.members.end())
              return make_error(errc::not_found, "no member called '" + args[0] + "'");
            auto rp = self->make_response_promise<std::string>();
            self->request(it->second.agent, peer_timeout, admin_atom::value,
                          std::string("local-crash-child"),
                          std::vector<std::string>{args[1]})
                .then([rp](std::string& s) mutable { rp.deliver(s); },
                      [rp](caf::error& e) mutable { rp.deliver(e); });
            return rp;
          }
          if (cmd == "drill-kill-node") {
            if (args.empty())
              return make_error(errc::invalid_argument, "kill-node needs a node id",
                                "node");
            if (args[0] == st.self.id)
              return make_error(errc::invalid_argument,
                                "run the drill from another node than the victim",
                                "node");
            auto it = st.members.find(args[0]);
            if (it == st.members.end())
              return make_error(errc::not_found, "no member called '" + args[0] + "'");
            auto view = st.hooks.places->current();
            auto d = std::make_shared<drill>();
            d->victim = args[0];
            d->started = clock::now();
            d->rp = self->make_response_promise<std::string>();
            // A probe entity whose shard the victim owns.
            for (int i = 0; i < 100000; ++i) {
              auto id = base::uuid::make_v7();
              if (view->owner(st.hooks.dir->shard_of(probe_entity, id)) == d->victim) {
                d->probe = id;
                break;
              }
            }
            auto target = st.hooks.dir->resolve(probe_entity, d->probe);
            if (!target)
              return make_error(errc::unavailable,
                                "this node cannot route to the victim now");
            auto victim_agent = it->second.agent;
            self->request(target, peer_timeout, ping_atom::value)
                .then(
                    [self, d, victim_agent](std::string& node) {
                      drill_step(d, "probe served by " + node, ms_since(d->started));
                      d->killed = clock::now();
                      self->send(victim_agent, die_atom::value);
                      drill_step(d, "kill sent to " + d->victim, 0);
                      self->state.drills[d->victim] = d;
                      drill_poll(self, d);
                    },
                    [d](caf::error& err) {
                      d->rp.deliver(make_error(
                          errc::unavailable,
                          "the probe on the victim did not answer: " + detail_of(err)));
                    });
            return d->rp;
          }
          return make_error(errc::invalid_argument, "unknown admin command '" + cmd + "'",
                            "command");
        },
    };
  };
  return sys.spawn(fn, std::move(cfg), std::move(hooks));
}

} // namespace kyb::runtime
