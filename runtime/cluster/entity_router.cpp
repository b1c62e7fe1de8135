#include "runtime/cluster/entity_router.hpp"

#include <unordered_map>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "runtime/cluster/member.hpp"
#include "runtime/directory.hpp"

namespace kyb::runtime {

namespace {

caf::behavior router_behavior(caf::event_based_actor* self, directory* dir) {
  return {
      [self, dir](deliver_atom, uint8_t kind, const base::uuid& id,
                  caf::message& msg) -> caf::result<caf::message> {
        // A read the entity published the answer to: answered here, one hop less, and
        // leased so that the asking node answers the next ones itself.
        if (auto answer = dir->answer_from_published(kind, id, msg)) {
          if (answer->leased)
            return caf::make_message(read_lease_atom::value, dir->read_lease().count(),
                                     std::move(answer->answer));
          return std::move(answer->answer);
        }
        auto target = dir->resolve_local(kind, id);
        if (!target)
          return make_error(errc::unavailable,
                            "the entity is moving between nodes; retry");
        auto rp = self->make_response_promise();
        rp.delegate(target, std::move(msg));
        return rp;
      },
  };
}

struct proxy_state {
  static inline const char* name = "kyb.entity_proxy";
  caf::actor router;
  std::string owner;
  uint8_t kind = 0;
  base::uuid id;
  relay_maker relay;
  directory* dir = nullptr;
  /// Requests forwarded and not answered yet.
  std::unordered_map<uint64_t, caf::response_promise> pending;
};

caf::behavior proxy_behavior(caf::stateful_actor<proxy_state>* self, caf::actor router,
                             std::string owner, uint8_t kind, base::uuid id,
                             relay_maker relay, directory* dir) {
  auto& st = self->state;
  st.router = router;
  st.owner = std::move(owner);
  st.dir = dir;
  st.kind = kind;
  st.id = id;
  st.relay = std::move(relay);
  self->monitor(router);
  self->set_down_handler([self](caf::down_msg&) {
    // The owner's node is gone: nothing in flight will be answered by it.
    for (auto& [rid, rp] : self->state.pending)
      rp.deliver(
          make_error(errc::unavailable, "the node holding this entity was lost; retry"));
    self->state.pending.clear();
    self->quit();
  });
  self->set_default_handler([self](caf::scheduled_actor*,
                                   caf::message_view& x) -> caf::result<caf::message> {
    auto& st = self->state;
    auto msg = x.move_content_to_message();
    auto rp = self->make_response_promise();
    if (!rp.pending()) { // a plain send: forward, nothing to answer
      self->send(st.router, deliver_atom::value, st.kind, st.id, std::move(msg));
      return caf::message{};
    }
    // A lease is counted from before the request leaves: the copy runs out before
    // the owner's lease does.
    auto sent = std::chrono::steady_clock::now();
    auto hdl = self->request(st.router, caf::infinite, deliver_atom::value, st.kind,
                             st.id, std::move(msg));
    auto rid = hdl.id().integer_value();
    st.pending.emplace(rid, rp);
    // Answer through the relay, and forget the request once it is answered.
    self->add_multiplexed_response_handler(
        hdl.id(), st.relay(
                      rp, [self, rid] { self->state.pending.erase(rid); },
                      [self, sent](int64_t lease_ns, const caf::message& answer) {
                        auto& st = self->state;
                        if (st.dir && lease_ns > 0)
                          st.dir->keep_copy(st.kind, st.id, st.owner, answer,
                                            sent + std::chrono::nanoseconds(lease_ns));
                      }));
    return rp;
  });
  return {
      [self](passivate_atom) {
        for (auto& [rid, rp] : self->state.pending)
          rp.deliver(
              make_error(errc::unavailable, "the entity is moving between nodes; retry"));
        self->state.pending.clear();
        self->quit();
      },
  };
}

caf::behavior probe_behavior(caf::event_based_actor* self, base::uuid,
                             std::string node_id) {
  return {
      [node_id](ping_atom) { return node_id; },
      [self](passivate_atom) { self->quit(); },
  };
}

} // namespace

caf::actor spawn_entity_router(caf::actor_system& sys, directory* dir) {
  return sys.spawn(router_behavior, dir);
}

caf::actor spawn_entity_proxy(caf::actor_system& sys, caf::actor router,
                              std::string owner, uint8_t kind, base::uuid id,
                              relay_maker relay, directory* dir) {
  return sys.spawn(proxy_behavior, std::move(router), std::move(owner), kind, id,
                   std::move(relay), dir);
}

caf::actor spawn_probe_entity(caf::actor_system& sys, base::uuid id,
                              std::string node_id) {
  return sys.spawn(probe_behavior, id, std::move(node_id));
}

} // namespace kyb::runtime
