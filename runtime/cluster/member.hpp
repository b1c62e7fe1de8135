// A member of the cluster as every node knows it: where it listens, which incarnation of
// the node process it is, and the actors others talk to (its cluster agent, its entity
// router and, when the node has one, its request relay).
#pragma once

#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

namespace kyb::runtime {

struct member_info {
  std::string id;   ///< node.id, unique in the cluster
  std::string host; ///< cluster (CAF) endpoint
  uint16_t port = 0;
  std::string http;        ///< host:port of its HTTP API
  std::string region;      ///< node.region
  std::string incarnation; ///< random per process start: tells a restarted node apart
  int64_t started_at_ms = 0;
  caf::actor agent;  ///< its cluster agent (membership, admin)
  caf::actor router; ///< its entity router (messages for the entities it owns)
  /// Requests another node hands it to serve (a hook of the layers above, over the
  /// cluster channel); null when the node takes none.
  caf::actor relay;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, member_info& x) {
  return f(caf::meta::type_name("kyb::member_info"), x.id, x.host, x.port, x.http,
           x.region, x.incarnation, x.started_at_ms, x.agent, x.router, x.relay);
}

// The cluster protocol's atoms (CAF 0.17: at most 10 characters).
using join_atom = caf::atom_constant<caf::atom("join")>;
using member_up_atom = caf::atom_constant<caf::atom("memberup")>;
using member_down_atom = caf::atom_constant<caf::atom("memberdown")>;
using leave_atom = caf::atom_constant<caf::atom("leave")>;
using view_atom = caf::atom_constant<caf::atom("view")>;
using deliver_atom = caf::atom_constant<caf::atom("deliver")>;
/// An answer another node may keep as a copy: (read_lease_atom, lease in ns, answer).
using read_lease_atom = caf::atom_constant<caf::atom("readlease")>;
using lease_atom = caf::atom_constant<caf::atom("lease")>;
using leases_atom = caf::atom_constant<caf::atom("leases")>;
using rebalance_atom = caf::atom_constant<caf::atom("rebalance")>;
using passivate_atom = caf::atom_constant<caf::atom("passivate")>;
using admin_atom = caf::atom_constant<caf::atom("admin")>;
using local_atom = caf::atom_constant<caf::atom("local")>;
using drain_node_atom = caf::atom_constant<caf::atom("drainnode")>;
using die_atom = caf::atom_constant<caf::atom("die")>;
using ping_atom = caf::atom_constant<caf::atom("kping")>;
using pong_atom = caf::atom_constant<caf::atom("kpong")>;
using sweep_atom = caf::atom_constant<caf::atom("sweep")>;

/// Admin commands one node sends another while carrying out an operator's command
/// (gathering a view, switching region routing). Every other admin command is an
/// operator's own and is taken only through the admin endpoint (admin_gateway.hpp).
inline bool is_relay_command(const std::string& cmd) {
  return cmd.rfind("local-", 0) == 0 || cmd == "region-route";
}

} // namespace kyb::runtime
