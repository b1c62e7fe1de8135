// The HTTP front door: a CAF io::broker that accepts connections on a listening socket,
// decodes requests (net/http_codec), authenticates them through the tenant actors,
// hands them to handlers, and writes responses in request order. It never blocks: all
// work beyond parsing happens in other actors, answered through request/then.
//
// A node runs one broker per HTTP worker, each in its own actor system (its own
// multiplexer thread) on its own SO_REUSEPORT socket, so the API uses every core.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>

#include <caf/io/broker.hpp>
#include <caf/io/connection_handle.hpp>

#include "actors/usage/usage_actor.hpp"
#include "net/http_codec.hpp"
#include "net/http_services.hpp"
#include "runtime/base/metrics.hpp"

namespace kyb::net {

/// Asks a broker to stop accepting, finish what is in flight (up to drain_timeout) and
/// exit. Answered once the broker is done.
using drain_atom = caf::atom_constant<caf::atom("drain")>;

struct connection_state {
  explicit connection_state(const codec_limits& limits) : codec(limits) {}

  http_codec codec;
  uint64_t next_seq = 0;   ///< given to the next decoded request
  uint64_t next_write = 0; ///< the response that must be written next
  std::map<uint64_t, std::pair<std::string, bool>>
      ready; ///< later responses, (bytes, close)
  size_t in_flight = 0;
  bool paused = false;  ///< reading halted: too many requests in flight
  bool closing = false; ///< no more requests are read
  std::chrono::steady_clock::time_point last_activity;
  std::string remote;
};

struct http_broker_state {
  static inline const char* name = "kyb.http";

  services_ptr svc;
  codec_limits limits;
  int worker = 0;
  caf::io::accept_handle doorman;
  std::unordered_map<caf::io::connection_handle, connection_state> conns;
  bool draining = false;
  std::vector<caf::response_promise> drain_waiters;

  // Metric series resolved once per label set (then one atomic add per request).
  std::unordered_map<std::string, base::counter*> request_series;
  std::unordered_map<std::string, base::histogram*> duration_series;
  base::gauge* open_connections = nullptr;

  // Usage counts per (tenant, region, endpoint, method, status, minute), handed to the
  // usage actor every api.usage_flush_interval.
  std::map<
      std::tuple<base::uuid, std::string, std::string, std::string, uint16_t, int64_t>,
      actors::usage_sample>
      usage;
  std::chrono::steady_clock::time_point last_usage_flush;
};

using http_broker_ptr = caf::io::stateful_broker<http_broker_state>*;

/// Spawns a broker in `sys` that serves the listening socket `listen_fd` (already bound
/// and listening; the broker takes ownership).
caf::actor spawn_http_broker(caf::actor_system& sys, int listen_fd, services_ptr svc,
                             int worker_index);

/// Opens a listening TCP socket on host:port with SO_REUSEPORT (so several workers can
/// share the port). Returns -1 and sets `error` on failure.
int open_listen_socket(const std::string& host, uint16_t port, std::string& error);

} // namespace kyb::net
