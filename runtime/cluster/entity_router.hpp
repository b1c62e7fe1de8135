// Messages for entities that live on another node. The sending node's directory hands
// out a proxy per remote entity; the proxy wraps each message as
// (deliver_atom, kind, id, message) for the owner's entity router, which hands it to the
// local entity. Answers travel back through the proxy, which also answers every request
// still in flight with errc::unavailable (503, retryable) the moment the owner's node is
// lost, instead of leaving callers waiting.
#pragma once

#include <functional>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/behavior.hpp>
#include <caf/response_promise.hpp>

#include "runtime/base/uuid.hpp"
#include "runtime/error.hpp"

namespace kyb::runtime {

class directory;

/// Builds the response handler a proxy installs for one forwarded request: it calls
/// `done` and hands any of the entity's answer types to `rp`. Made per kind by
/// make_relay<Answers...>() (CAF 0.17 has no catch-all for response handlers).
using relay_maker =
    std::function<caf::behavior(caf::response_promise rp, std::function<void()> done)>;

/// A relay for entities that answer with one of `Answers`.
template <class... Answers>
relay_maker make_relay() {
  return [](caf::response_promise rp, std::function<void()> done) {
    return caf::behavior{[rp, done](Answers& x) mutable {
                           done();
                           rp.deliver(std::move(x));
                         }...,
                         [rp, done](caf::error& err) mutable {
                           done();
                           rp.deliver(std::move(err));
                         }};
  };
}

/// The router of this node: delivers (deliver_atom, kind, id, message) to the local
/// entity when this node owns it, else answers errc::unavailable ("moved; retry").
caf::actor spawn_entity_router(caf::actor_system& sys, directory* dir);

/// A local stand-in for entity (kind, id) owned by the node whose router is `router`.
caf::actor spawn_entity_proxy(caf::actor_system& sys, caf::actor router, uint8_t kind,
                              base::uuid id, relay_maker relay);

/// The probe entity: answers (ping_atom) with the id of the node it runs on. Failover
/// drills use it to see when a shard that lived on a lost node is served again.
caf::actor spawn_probe_entity(caf::actor_system& sys, base::uuid id, std::string node_id);

} // namespace kyb::runtime
