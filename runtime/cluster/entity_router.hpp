// Messages for entities that live on another node. The sending node's directory hands
// out a proxy per remote entity; the proxy wraps each message as
// (deliver_atom, kind, id, message) for the owner's entity router, which hands it to the
// local entity. Answers travel back through the proxy, which also answers every request
// still in flight with errc::unavailable (503, retryable) the moment the owner's node is
// lost, instead of leaving callers waiting.
//
// A plain read the entity published the answer to is answered by the owner's router
// itself, under a read lease (directory::answer_from_published): the proxy keeps that
// answer as this node's copy (directory::keep_copy) until the lease, counted from when
// the proxy sent the request, runs out; the entity answers a write only after every
// lease on the state it changes ran out.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/behavior.hpp>
#include <caf/response_promise.hpp>

#include "runtime/base/uuid.hpp"
#include "runtime/cluster/member.hpp"
#include "runtime/error.hpp"

namespace kyb::runtime {

class directory;

/// What a proxy does with a leased answer before relaying it: (lease in ns, answer).
using lease_taker = std::function<void(int64_t lease_ns, const caf::message& answer)>;

/// Builds the response handler a proxy installs for one forwarded request: it calls
/// `done` and hands any of the entity's answer types to `rp`; a leased answer goes to
/// `leased` first. Made per kind by make_relay<Answers...>() (CAF 0.17 has no catch-all
/// for response handlers).
using relay_maker = std::function<caf::behavior(
    caf::response_promise rp, std::function<void()> done, lease_taker leased)>;

/// A relay for entities that answer with one of `Answers`.
template <class... Answers>
relay_maker make_relay() {
  return [](caf::response_promise rp, std::function<void()> done, lease_taker leased) {
    return caf::behavior{[rp, done](Answers& x) mutable {
                           done();
                           rp.deliver(std::move(x));
                         }...,
                         [rp, done, leased](read_lease_atom, int64_t lease_ns,
                                            caf::message& answer) mutable {
                           done();
                           if (leased)
                             leased(lease_ns, answer);
                           rp.deliver(std::move(answer));
                         },
                         [rp, done](caf::error& err) mutable {
                           done();
                           rp.deliver(std::move(err));
                         }};
  };
}

/// The router of this node: delivers (deliver_atom, kind, id, message) to the local
/// entity when this node owns it, else answers errc::unavailable ("moved; retry").
caf::actor spawn_entity_router(caf::actor_system& sys, directory* dir);

/// A local stand-in for entity (kind, id) owned by node `owner`, whose router is
/// `router`; leased answers become copies in `dir`.
caf::actor spawn_entity_proxy(caf::actor_system& sys, caf::actor router,
                              std::string owner, uint8_t kind, base::uuid id,
                              relay_maker relay, directory* dir);

/// The probe entity: answers (ping_atom) with the id of the node it runs on. Failover
/// drills use it to see when a shard that lived on a lost node is served again.
caf::actor spawn_probe_entity(caf::actor_system& sys, base::uuid id, std::string node_id);

} // namespace kyb::runtime
