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
#include <memory>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include <caf/io/broker.hpp>
#include <caf/io/connection_handle.hpp>

#include "actors/messages.hpp"
#include "net/auth_lease_cache.hpp"
#include "net/http_codec.hpp"
#include "net/http_services.hpp"
#include "net/listen_socket.hpp"
#include "net/request_accounting.hpp"
#include "net/router.hpp"
#include "runtime/base/metrics.hpp"

namespace kyb::net {

struct exchange;

/// Where the body of a streamed request goes (routes with `streams`): the handler
/// installs one with exchange::stream_body(), and the broker hands it the body as it
/// arrives. Called in the broker's context; the sink paces the upload with
/// exchange::pause_body() / resume_body().
struct body_stream {
  virtual ~body_stream() = default;
  /// The next de-chunked bytes of the body.
  virtual void on_part(std::string bytes) = 0;
  /// The last bytes: the body is complete.
  virtual void on_end(std::string bytes) = 0;
  /// The upload broke off (client gone, timeout, shutdown) before its end.
  virtual void on_abort(const std::string& why) = 0;
};

/// Asks a broker to stop accepting, finish what is in flight (up to drain_timeout) and
/// exit. Answered once the broker is done.
using drain_atom = caf::atom_constant<caf::atom("drain")>;

/// An answer encoded and waiting for its turn on the connection.
struct ready_answer {
  std::string bytes;
  bool close = false; ///< the connection closes after it
  std::chrono::steady_clock::time_point encoded;
};

struct connection_state {
  explicit connection_state(const codec_limits& limits) : codec(limits) {}

  http_codec codec;
  uint64_t next_seq = 0;                  ///< given to the next decoded request
  uint64_t next_write = 0;                ///< the response that must be written next
  std::map<uint64_t, ready_answer> ready; ///< answers behind an unanswered request
  size_t in_flight = 0;
  bool paused = false;  ///< reading halted: too many requests in flight
  bool closing = false; ///< no more requests are read
  std::chrono::steady_clock::time_point last_activity;
  /// Requests handed to handlers and not answered yet: the tick answers 504 for those
  /// older than http.request_timeout (actor requests themselves carry no timeout).
  std::map<uint64_t, std::weak_ptr<exchange>> pending;
  /// A streamed request is being received: its exchange and, once the handler took
  /// it, the body's sink. `stream_blocked`: decoding waits for the sink (or for the
  /// handler to install one); reading is halted meanwhile.
  std::shared_ptr<exchange> streamed;
  std::shared_ptr<body_stream> stream;
  bool stream_blocked = false;
  /// Whether the socket is read, as last asked of CAF. A halt or trigger takes effect
  /// only when the multiplexer applies it at the end of its loop iteration, and CAF 0.17
  /// loses the connection's reader for good if the opposite call comes before that
  /// (trigger then halt cancel out but leave the reader set, so a later trigger does
  /// nothing). So a change waits in turning_* until the multiplexer has moved on
  /// (flow_atom), and only then may the next one happen.
  enum class reading : uint8_t { on, turning_on, off, turning_off };
  reading read_state = reading::on;
  uint64_t flow_seq = 0;
  /// The connection's place in its client address's count (http.max_connections_per_ip).
  address_limiter::slot place;
};

/// Sent to a broker by its multiplexer, one loop iteration after a halt or trigger of
/// the connection: the change has taken effect (see connection_state::read_state).
using flow_atom = caf::atom_constant<caf::atom("flow")>;

struct http_broker_state {
  static inline const char* name = "kyb.http";

  services_ptr svc;
  codec_limits limits;
  int worker = 0;
  caf::io::accept_handle doorman;
  std::unordered_map<caf::io::connection_handle, connection_state> conns;
  bool draining = false;
  std::vector<caf::response_promise> drain_waiters;

  base::gauge* open_connections = nullptr;
  base::counter* refused_per_address = nullptr; ///< over http.max_connections_per_ip

  auth_lease_cache leases;
  /// Requests waiting for an authentication of their key and secret that another
  /// request of this worker is asking the tenant actor for (one ask at a time per key
  /// and secret: concurrent misses sharing one lease instead of each taking its own).
  std::unordered_map<std::string, std::vector<std::shared_ptr<exchange>>> auth_waiting;
  /// Metrics, usage counts and the access log of the requests answered here.
  request_accounting accounting;
};

using http_broker_ptr = caf::io::stateful_broker<http_broker_state>*;

/// Spawns a broker in `sys` that serves the listening socket `listen_fd` (already bound
/// and listening; the broker takes ownership).
caf::actor spawn_http_broker(caf::actor_system& sys, int listen_fd, services_ptr svc,
                             int worker_index);

} // namespace kyb::net
