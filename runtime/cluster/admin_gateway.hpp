// The admin endpoint: where `kybctl` talks to a node. It runs in an actor system of its
// own, published on admin.listen with the admin role required of every peer
// (tls_roles.hpp), so an operator's console reaches this one actor and nothing else of
// the node: no entity, no membership message. It relays the operator's commands to the
// node's cluster agent, which takes operator commands only from its own node.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

namespace kyb::runtime {

/// Messages: (admin_atom, cmd, args) -> std::string, for every operator command the
/// cluster agent knows (nodes, shards, actors, caches, drain, drills, region-*);
/// node-to-node relay commands (is_relay_command) are refused.
caf::actor spawn_admin_gateway(caf::actor_system& sys, caf::actor agent);

} // namespace kyb::runtime
