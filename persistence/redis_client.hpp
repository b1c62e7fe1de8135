// Redis as an ordinary CAF actor: one hiredis async context whose socket the io_watcher
// watches (through hiredis's adapter hooks), so that the actor makes every hiredis call.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/expected.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "config/settings.hpp"
#include "persistence/atoms.hpp"
#include "persistence/redis_reply.hpp"

namespace kyb::persistence {

class io_watcher;

/// The messages the Redis actor takes.
///
/// - `std::vector<std::string> -> redis_reply`: one command, e.g. {"SET", "k", "v", "PX",
///   "1000"}; arguments are binary-safe. A Redis error reply is a redis_reply of kind
///   error. caf::errors: errc::timeout when no reply came within redis_settings.timeout
///   (a late reply is dropped); errc::unavailable at once while disconnected, and for
///   commands in flight when the connection breaks ("outcome unknown");
///   errc::invalid_argument for an empty command.
/// - `ping_atom -> ok_atom`: a PING round trip (for /ready).
/// - `io_ready_atom, retry_atom, deadline_atom`: internal (io_watcher and timers).
using redis_actor =
    caf::typed_actor<caf::replies_to<std::vector<std::string>>::with<redis_reply>,
                     caf::replies_to<ping_atom>::with<ok_atom>,
                     caf::reacts_to<io_ready_atom, uint64_t, bool, bool>,
                     caf::reacts_to<retry_atom>, caf::reacts_to<deadline_atom>>;

/// Settings of the Redis actor.
struct redis_client_options {
  std::string url =
      "redis://127.0.0.1:6379/0"; ///< redis://[[user]:password@]host[:port][/db]
  std::string name = "redis";     ///< For logs.
  std::chrono::milliseconds timeout{
      1000}; ///< Per command, and for connect + AUTH/SELECT.
  std::chrono::milliseconds reconnect_backoff_max{2000};

  /// The options redis_settings describe.
  static redis_client_options from(const config::redis_settings& cfg);
};

/// A cheap, copyable, thread-safe handle to the Redis actor. When the last copy goes
/// away the actor is told to exit. Use `self->request(redis.actor(), timeout,
/// std::vector<std::string>{"GET", key})`.
class redis_client {
public:
  /// An empty handle.
  redis_client() = default;

  /// Spawns the actor, which connects at once and again after every failure (exponential
  /// backoff capped by reconnect_backoff_max). Fails only for a malformed URL. Ignores
  /// SIGPIPE process-wide: hiredis writes with write(2).
  static caf::expected<redis_client> spawn(caf::actor_system& sys,
                                           redis_client_options opts,
                                           std::shared_ptr<io_watcher> watcher);
  static caf::expected<redis_client> spawn(caf::actor_system& sys,
                                           const config::redis_settings& cfg,
                                           std::shared_ptr<io_watcher> watcher);

  /// The actor to send commands to.
  const redis_actor& actor() const;
  /// Connected, authenticated and on the right database (no I/O; for /ready).
  bool connected() const;
  /// Successful (re)connections so far.
  uint64_t connects() const;
  /// Blocks the calling thread (never an actor) until connected or `timeout` passed.
  bool wait_connected(std::chrono::milliseconds timeout) const;
  /// Tells the actor to exit (pending commands get errc::unavailable). Idempotent.
  void stop();

  explicit operator bool() const { return impl_ != nullptr; }

private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

} // namespace kyb::persistence
