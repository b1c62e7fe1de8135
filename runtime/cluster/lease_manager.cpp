#include "runtime/cluster/lease_manager.hpp"

#include <map>

#include <caf/typed_event_based_actor.hpp>

#include "persistence/queries.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"
#include "runtime/error.hpp"

namespace kyb::runtime {

namespace {

struct lease_entry {
  bool held = false;
  bool acquiring = false;
  int64_t epoch = 0;
  std::vector<caf::typed_response_promise<int64_t>> waiters;
};

struct lease_state {
  static inline const char* name = "kyb.lease_manager";
  std::shared_ptr<placement> places;
  persistence::pg_pool db;
  std::string node;
  std::string incarnation;
  std::map<uint32_t, lease_entry> leases;
  /// Shards whose lease another node took: not taken back before the time noted, so
  /// two nodes with different views for a moment do not fight over it.
  std::map<uint32_t, std::chrono::steady_clock::time_point> backoff;
  bool verify_scheduled = false;
  base::counter* takeovers = nullptr;
  base::gauge* held_gauge = nullptr;
  base::gauge* shards_gauge = nullptr;
};

using self_ptr = lease_manager_actor::stateful_pointer<lease_state>;

/// kyb_cluster_shard_leases: the leases held now (summed over the nodes, the shards with
/// a live owner; fewer than kyb_cluster_shards for long is a shard nobody serves).
void publish(lease_state& st) {
  size_t held = 0;
  for (auto& [s, e] : st.leases)
    held += e.held ? 1 : 0;
  st.held_gauge->Set(static_cast<double>(held));
}

/// Takes the leases of `shards` in one transaction and answers their waiters.
void acquire(self_ptr self, std::vector<uint32_t> shards) {
  auto& st = self->state;
  persistence::pg_batch batch;
  for (auto s : shards)
    batch.statements.push_back(
        {persistence::q::shard_lease_acquire,
         {persistence::pg_param(static_cast<int64_t>(s)), persistence::pg_param(st.node),
          persistence::pg_param(st.incarnation)}});
  self->request(st.db.pick(), caf::infinite, std::move(batch))
      .then(
          [self, shards](std::vector<persistence::pg_rows>& res) {
            auto& st = self->state;
            auto view = st.places->current();
            for (size_t i = 0; i < shards.size(); ++i) {
              auto it = st.leases.find(shards[i]);
              if (it == st.leases.end())
                continue;
              auto& e = it->second;
              auto& rows = res.at(i).rows;
              if (rows.empty() || !rows[0][0]) {
                for (auto& w : e.waiters)
                  w.deliver(make_error(errc::internal, "shard lease row missing"));
                st.leases.erase(it);
                continue;
              }
              e.held = true;
              e.acquiring = false;
              e.epoch = std::stoll(*rows[0][0]);
              st.takeovers->Increment();
              for (auto& w : e.waiters)
                w.deliver(e.epoch);
              e.waiters.clear();
              // Lost the shard while taking it: keep nothing.
              if (!view->owns(shards[i]))
                st.leases.erase(it);
            }
            publish(st);
          },
          [self, shards](caf::error& err) {
            auto& st = self->state;
            base::log_warn("cluster.lease_failed",
                           {{"shards", shards.size()}, {"error", detail_of(err)}});
            for (auto s : shards) {
              auto it = st.leases.find(s);
              if (it == st.leases.end())
                continue;
              for (auto& w : it->second.waiters)
                w.deliver(make_error(errc::unavailable,
                                     "cannot take the shard lease: " + detail_of(err)));
              st.leases.erase(it);
            }
            publish(st);
          });
}

} // namespace

lease_verdict reconcile_lease(bool held, bool acquiring, int64_t held_epoch,
                              bool row_mine, int64_t row_epoch) noexcept {
  if (acquiring)
    return lease_verdict::keep;
  if (held && row_epoch < held_epoch)
    return lease_verdict::keep; // the snapshot predates our own take
  return row_mine ? lease_verdict::adopt : lease_verdict::take;
}

lease_manager_actor spawn_lease_manager(caf::actor_system& sys,
                                        std::shared_ptr<placement> p,
                                        persistence::pg_pool db, std::string node_id,
                                        std::string incarnation) {
  auto fn = [](self_ptr self, std::shared_ptr<placement> p, persistence::pg_pool db,
               std::string node_id,
               std::string incarnation) -> lease_manager_actor::behavior_type {
    auto& st = self->state;
    st.places = std::move(p);
    st.db = std::move(db);
    st.node = std::move(node_id);
    st.incarnation = std::move(incarnation);
    st.takeovers =
        &base::metrics_registry::global()
             .counter("kyb_cluster_shard_takeovers_total",
                      "Shard leases taken by this node (each one fences the previous "
                      "owner)")
             .with({});
    auto& m = base::metrics_registry::global();
    st.held_gauge =
        &m.gauge("kyb_cluster_shard_leases",
                 "Shard leases this node holds (the shards it serves and may write to)")
             .with({});
    st.shards_gauge =
        &m.gauge("kyb_cluster_shards", "Entity shards of the cluster (cluster.shards)")
             .with({});
    st.shards_gauge->Set(static_cast<double>(st.places->current()->shards));
    return {
        [self](lease_atom, uint32_t shard) -> caf::result<int64_t> {
          auto& st = self->state;
          auto view = st.places->current();
          if (!view->owns(shard))
            return make_error(errc::unavailable,
                              "this node does not own the shard; retry");
          if (auto b = st.backoff.find(shard); b != st.backoff.end()) {
            if (std::chrono::steady_clock::now() < b->second)
              return make_error(errc::unavailable, "the shard is changing hands; retry");
            st.backoff.erase(b);
          }
          auto& e = st.leases[shard];
          if (e.held)
            return e.epoch;
          auto rp = self->make_response_promise<int64_t>();
          e.waiters.push_back(rp);
          if (!e.acquiring) {
            e.acquiring = true;
            acquire(self, {shard});
          }
          return rp;
        },
        [self](lease_atom, uint32_t shard, int64_t epoch) {
          auto& st = self->state;
          auto it = st.leases.find(shard);
          if (it != st.leases.end() && it->second.held && it->second.epoch == epoch) {
            base::log_warn("cluster.shard_fenced", {{"shard", shard}, {"epoch", epoch}});
            st.leases.erase(it);
            st.backoff[shard] =
                std::chrono::steady_clock::now() + std::chrono::milliseconds(250);
            publish(st);
          }
        },
        [self](leases_atom) {
          std::vector<shard_lease> out;
          for (auto& [s, e] : self->state.leases)
            if (e.held)
              out.push_back({s, e.epoch});
          return out;
        },
        [self](rebalance_atom) {
          // Placements change in bursts while members come and go: settle first.
          auto& st = self->state;
          if (!st.verify_scheduled) {
            st.verify_scheduled = true;
            self->delayed_send(self, std::chrono::milliseconds(150), verify_atom::value);
          }
        },
        [self](verify_atom) {
          auto& st = self->state;
          st.verify_scheduled = false;
          auto view = st.places->current();
          for (auto it = st.leases.begin(); it != st.leases.end();) {
            if (!view->owns(it->first) && it->second.waiters.empty() &&
                !it->second.acquiring)
              it = st.leases.erase(it);
            else
              ++it;
          }
          publish(st);
          // What the database says: adopt leases this incarnation holds, take the rest.
          persistence::pg_batch batch;
          batch.statements.push_back({persistence::q::shard_leases_all,
                                      {persistence::pg_param(int64_t{view->shards})}});
          self->request(st.db.pick(), caf::infinite, std::move(batch))
              .then(
                  [self, view](std::vector<persistence::pg_rows>& res) {
                    auto& st = self->state;
                    std::vector<uint32_t> wanted;
                    for (auto& row : res.at(0).rows) {
                      auto shard = static_cast<uint32_t>(std::stoul(*row[0]));
                      if (!view->owns(shard))
                        continue;
                      bool mine = row[1] && *row[1] == st.node && row[4] &&
                                  *row[4] == st.incarnation;
                      auto row_epoch = std::stoll(*row[2]);
                      auto& e = st.leases[shard];
                      switch (reconcile_lease(e.held, e.acquiring, e.epoch, mine,
                                              row_epoch)) {
                      case lease_verdict::keep:
                        break;
                      case lease_verdict::adopt:
                        e.held = true;
                        e.epoch = row_epoch;
                        break;
                      case lease_verdict::take:
                        e.held = false;
                        e.acquiring = true;
                        wanted.push_back(shard);
                        break;
                      }
                    }
                    publish(st);
                    if (!wanted.empty())
                      acquire(self, std::move(wanted));
                  },
                  [](caf::error& err) {
                    base::log_warn("cluster.lease_verify_failed",
                                   {{"error", detail_of(err)}});
                  });
        },
    };
  };
  return sys.spawn(fn, std::move(p), std::move(db), std::move(node_id),
                   std::move(incarnation));
}

} // namespace kyb::runtime
