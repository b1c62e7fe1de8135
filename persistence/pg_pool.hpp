// N PostgreSQL connection actors behind one cheap, copyable, thread-safe handle.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

#include <caf/actor_system.hpp>

#include "config/settings.hpp"
#include "persistence/pg_connection.hpp"

namespace kyb::persistence {

class io_watcher;
class pg_finisher;
class statement_catalog;

/// A handle to a pool of connection actors. Copies share the pool; when the last copy
/// goes away the actors are told to exit (in-flight requests are answered with
/// errc::unavailable). Use from any thread or actor:
///
///     self->request(pool.pick(), timeout, pg_batch{...}).then(
///       [](std::vector<pg_rows>& results) { ... }, [](caf::error& err) { ... });
///
/// For /ready: `connected_count() > 0` (no I/O), or a round trip with
/// `request(pool.pick(), timeout, ping_atom::value)` answered with ok_atom.
class pg_pool {
public:
  /// An empty handle (pick() returns an invalid actor handle).
  pg_pool() = default;

  /// Spawns `size` connection actors with `opts` (their names get "-<index>").
  static pg_pool spawn(caf::actor_system& sys, pg_connection_options opts, size_t size,
                       std::shared_ptr<const statement_catalog> catalog,
                       std::shared_ptr<io_watcher> watcher);

  /// Spawns database_settings.pool_size connections configured from `cfg`.
  static pg_pool spawn(caf::actor_system& sys, const config::database_settings& cfg,
                       std::shared_ptr<const statement_catalog> catalog,
                       std::shared_ptr<io_watcher> watcher,
                       std::string application_name = "kyb",
                       std::shared_ptr<const pg_finisher> finisher = {});

  /// The next connection round-robin, skipping connections that are down while any is
  /// up (a request to a down connection fails fast with errc::unavailable).
  pg_connection_actor pick() const;

  /// Connections now connected and ready.
  size_t connected_count() const;
  /// Number of connection actors.
  size_t size() const;
  /// All connection actors, in index order (a snapshot).
  std::vector<pg_connection_actor> connections() const;
  /// Replaces connection `index` with a fresh actor (after the old one stopped: the
  /// supervisor's restart) and returns it. Callers of pick() see it at once.
  pg_connection_actor respawn(size_t index);
  /// Successful (re)connections of all connections so far.
  uint64_t connects() const;

  /// Blocks the calling thread (never call it from an actor) until `n` connections are
  /// up or `timeout` passed; true if they are. For node start-up and tests.
  bool wait_connected(size_t n, std::chrono::milliseconds timeout) const;

  /// Tells every connection actor to exit. Idempotent.
  void stop();

  explicit operator bool() const { return impl_ != nullptr; }

private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

} // namespace kyb::persistence
