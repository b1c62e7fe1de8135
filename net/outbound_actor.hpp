// The outbound client for actors: an actor that owns a reference to the client and
// answers a fetch request with the response when the transfer completes, without ever
// blocking an actor's thread (the client's own thread runs the transfer).
#pragma once

#include <memory>

#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "net/outbound_client.hpp"

namespace kyb::net {

using outbound_fetch_atom = caf::atom_constant<caf::atom("obfetch")>;

/// (outbound_fetch_atom, outbound_request) -> outbound_response. A failed transfer is
/// a response with its error set, not a caf::error: callers see the kind and message.
/// Request it with caf::infinite (the request's own timeouts bound it) or a bound
/// above them.
using outbound_actor = caf::typed_actor<
    caf::replies_to<outbound_fetch_atom, outbound_request>::with<outbound_response>>;

/// Spawns the actor in front of `client`.
outbound_actor spawn_outbound_actor(caf::actor_system& sys,
                                    std::shared_ptr<outbound_client> client);

} // namespace kyb::net

// Local messages only (they carry callbacks): never sent to another node.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kyb::net::outbound_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kyb::net::outbound_response)
