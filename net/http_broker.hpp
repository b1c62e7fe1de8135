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

#include <caf/io/broker.hpp>
#include <caf/io/connection_handle.hpp>

#include "actors/messages.hpp"
#include "actors/usage/usage_actor.hpp"
#include "net/http_codec.hpp"
#include "net/http_services.hpp"
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

/// The labels of one request's metric and usage series, as cheap values: the route (or
/// nullptr for unmatched paths), the method's index, the status and the tenant.
struct series_key {
  const route* rt = nullptr;
  uint8_t method = 0;
  uint16_t status = 0;
  base::uuid tenant;
  int64_t minute = 0; ///< usage only

  friend bool operator==(const series_key& a, const series_key& b) {
    return a.rt == b.rt && a.method == b.method && a.status == b.status &&
           a.tenant == b.tenant && a.minute == b.minute;
  }
};

struct series_key_hash {
  size_t operator()(const series_key& k) const noexcept {
    return std::hash<base::uuid>{}(k.tenant) ^ (std::hash<const void*>{}(k.rt) * 31) ^
           (static_cast<size_t>(k.method) << 40) ^ (static_cast<size_t>(k.status) << 20) ^
           static_cast<size_t>(k.minute);
  }
};

/// An authentication this worker may reuse (a lease of actors::auth_grant): who the
/// key is, the hash of the secret that was checked, the rate-limit tokens left, and
/// when it runs out (counted from when the worker asked, so before the tenant actor's
/// own deadline for it).
struct auth_lease {
  actors::principal who;
  std::string secret_hash;
  uint32_t tokens = 0;
  std::chrono::steady_clock::time_point expires;
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
  std::unordered_map<series_key, base::counter*, series_key_hash> request_series;
  std::unordered_map<series_key, base::histogram*, series_key_hash> duration_series;
  base::gauge* open_connections = nullptr;
  base::counter* refused_per_address = nullptr; ///< over http.max_connections_per_ip

  /// Leased authentications by API key id (at most max_auth_leases; see auth_lease).
  std::unordered_map<base::uuid, auth_lease> leases;
  static constexpr size_t max_auth_leases = 10000;

  // Usage counts per (tenant, endpoint, method, status, minute), handed to the usage
  // actor every api.usage_flush_interval.
  std::unordered_map<series_key, actors::usage_sample, series_key_hash> usage;
  std::chrono::steady_clock::time_point last_usage_flush;
  /// Access log lines not yet handed to the logger (newline-separated).
  std::string access_log;
};

using http_broker_ptr = caf::io::stateful_broker<http_broker_state>*;

/// Spawns a broker in `sys` that serves the listening socket `listen_fd` (already bound
/// and listening; the broker takes ownership).
caf::actor spawn_http_broker(caf::actor_system& sys, int listen_fd, services_ptr svc,
                             int worker_index);

/// Opens a listening TCP socket on host:port, with SO_REUSEPORT unless `reuse_port` is
/// false (so several workers can share the port; a port of one listener only is bound
/// exclusively, and a second process on it fails). Returns -1 and sets `error` on
/// failure.
int open_listen_socket(const std::string& host, uint16_t port, std::string& error,
                       bool reuse_port = true);

} // namespace kyb::net
