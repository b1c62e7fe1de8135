// Forwards an HTTP request to the node of another region that must serve it (the
// tenant's write region, or a fresh replica): libcurl on a thread of its own (a detached
// actor), one reused connection per peer. The broker picks a member of the target region
// from the cluster's membership and answers its client with the peer's response.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/atom.hpp>

namespace kyb::net {

using forward_atom = caf::atom_constant<caf::atom("rforward")>;

/// The header a forwarding node adds (its node id): a forwarded request is never
/// forwarded again.
constexpr const char* forwarded_header = "X-KYB-Forwarded-By";

/// Spawns one forwarder. Message:
///   (forward_atom, std::string url, std::string method,
///    std::vector<std::string> headers ("Name: value"), std::string body)
///     -> (int status, std::vector<std::string> headers, std::string body)
/// Errors: errc::unavailable when the peer cannot be reached, errc::timeout.
caf::actor spawn_region_forwarder(caf::actor_system& sys,
                                  std::chrono::milliseconds timeout,
                                  size_t max_body_bytes);

} // namespace kyb::net
