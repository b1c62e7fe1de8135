// Requests another region must serve travel there over the cluster's own channel (CAF,
// mutual TLS between node certificates), never as plain HTTP between regions. The
// sending node's gateway (net/region_gateway) asks the serving node's request relay,
// whose handle travels in the cluster membership (member_info::relay); the relay hands
// the request to its own node's HTTP port over loopback (through the outbound client,
// whose own thread runs the transfers: at most `workers` at once) and answers with the
// response.
//
// The relay marks what it hands over as forwarded (X-KYB-Forwarded-By, the hops so far)
// and proves it with X-KYB-Forward-Proof, an HMAC-SHA256 under a key drawn at random by
// this process that never leaves it. The HTTP broker trusts the hops only with a valid,
// fresh proof: a client-sent X-KYB-Forwarded-By is ignored.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/atom.hpp>

namespace kyb::net {

class outbound_client;

using relay_atom = caf::atom_constant<caf::atom("rrelay")>;

/// The regions a forwarded request went through ("node@region,..."): a forwarded
/// request is served where it arrives (or sent on to a region it has not visited).
constexpr const char* forwarded_header = "X-KYB-Forwarded-By";
/// "<steady ms>.<hex HMAC-SHA256>" over the method, target, hops and body hash.
constexpr const char* forward_proof_header = "X-KYB-Forward-Proof";
/// A proof older than this (or from the future by as much) is refused.
constexpr std::chrono::seconds forward_proof_window{30};

/// This process's key for forward proofs (random, made once per process).
class forward_seal {
public:
  using clock = std::chrono::steady_clock;

  forward_seal();

  /// The proof header's value for a request handed over at `now`.
  std::string sign(std::string_view method, std::string_view target,
                   std::string_view hops, std::string_view body,
                   clock::time_point now) const;

  /// True when `proof` was made by sign() of this seal for the same request within
  /// forward_proof_window of `now`.
  bool verify(std::string_view proof, std::string_view method, std::string_view target,
              std::string_view hops, std::string_view body, clock::time_point now) const;

private:
  std::string mac(std::string_view stamp, std::string_view method,
                  std::string_view target, std::string_view hops,
                  std::string_view body) const;

  std::string key_;
};

using forward_seal_ptr = std::shared_ptr<const forward_seal>;

/// Where and how a node's request relay hands requests to its own HTTP port.
struct relay_config {
  std::string local_http; ///< "host:port" of this node's HTTP API (a wildcard host
                          ///< means loopback)
  std::chrono::milliseconds timeout{10000}; ///< regions.forward_timeout
  size_t max_request_bytes = 0;             ///< http.max_body_bytes
  size_t max_response_bytes = 0;
  int workers = 4; ///< regions.forward_workers: relayed requests in flight at once
  forward_seal_ptr seal;
  /// The outbound client; null: the process's.
  std::shared_ptr<outbound_client> client;
};

/// Spawns the request relay. Message:
///   (relay_atom, std::string method, std::string target,
///    std::vector<std::string> headers ("Name: value"), std::string hops,
///    std::string body) -> (int status, std::vector<std::string> headers, std::string
///    body)
/// `hops` is the X-KYB-Forwarded-By value including the sending node.
/// Errors: errc::internal for a malformed request, errc::unavailable when the
/// local HTTP port cannot be reached, errc::timeout.
caf::actor spawn_region_relay(caf::actor_system& sys, relay_config cfg);

/// Spawns the sending side: it must live in the actor system that holds the cluster
/// connections (answers from another node reach actors of that system only; the HTTP
/// workers' own systems ask it). Message:
///   (relay_atom, caf::actor relay, std::string method, std::string target,
///    std::vector<std::string> headers, std::string hops, std::string body)
///     -> (int status, std::vector<std::string> headers, std::string body)
/// asks `relay` (another node's request relay) within `timeout`; its errors, or CAF's
/// (request_timeout, request_receiver_down, ...), come back as they are.
caf::actor spawn_relay_sender(caf::actor_system& sys, std::chrono::milliseconds timeout);

} // namespace kyb::net
