// One PostgreSQL connection as an ordinary CAF actor: a non-blocking PGconn in libpq
// pipeline mode, woken by the io_watcher, that runs batches of prepared statements as
// transactions and reconnects by itself.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "config/settings.hpp"
#include "persistence/atoms.hpp"
#include "persistence/pg_types.hpp"

namespace kyb::persistence {

class io_watcher;
class pg_finisher;
class statement_catalog;

/// The messages a connection actor takes.
///
/// - `pg_batch -> std::vector<pg_rows>`: one transaction; one pg_rows per statement,
///   sent only after the pipeline Sync (the commit). Errors (kyb category, see
///   pg_error.hpp): a failing statement fails the whole batch, naming its index, SQLSTATE
///   and message, code from errc_from_sqlstate; an unknown statement name or a wrong
///   number of parameters -> errc::internal (nothing is sent); while disconnected ->
///   errc::unavailable at once; connection lost with the batch in flight ->
///   errc::unavailable "connection lost; outcome unknown".
/// - `pg_copy -> uint64_t`: a COPY FROM STDIN load as its own transaction; the number of
///   rows, after commit. Same error rules.
/// - `ping_atom -> ok_atom`: a round trip through the pipeline (for /ready).
/// - `io_ready_atom, retry_atom, tick_atom`: internal (io_watcher and timers).
using pg_connection_actor =
    caf::typed_actor<caf::replies_to<pg_batch>::with<std::vector<pg_rows>>,
                     caf::replies_to<pg_copy>::with<uint64_t>,
                     caf::replies_to<ping_atom>::with<ok_atom>,
                     caf::reacts_to<io_ready_atom, uint64_t, bool, bool>,
                     caf::reacts_to<retry_atom>, caf::reacts_to<tick_atom>>;

/// What a pool (and /ready) can see of a connection without messaging it.
struct pg_connection_status {
  std::atomic<bool> connected{false}; ///< Connected, session set up, statements prepared.
  std::atomic<uint64_t> connects{0};  ///< Successful (re)connections so far.
};

/// Settings of one connection actor.
struct pg_connection_options {
  std::string url;                                    ///< libpq URL or conninfo string.
  std::string name = "pg";                            ///< For logs ("pg-0").
  std::string application_name = "kyb";               ///< Shown in pg_stat_activity.
  std::chrono::milliseconds connect_timeout{5000};    ///< Connect + session setup.
  std::chrono::milliseconds statement_timeout{10000}; ///< SET statement_timeout.
  std::chrono::milliseconds reconnect_backoff_max{2000};
  size_t pipeline_max_statements = 2000; ///< Statements in flight; excess waits queued.
  size_t max_queued_statements = 0;      ///< Waiting statements; 0 = 64 x in flight.
  /// Completes the batches it wants inside their transaction (see pg_finisher.hpp).
  std::shared_ptr<const pg_finisher> finisher;

  /// The options database_settings describe (url, timeouts, backoff, pipeline limit).
  static pg_connection_options from(const config::database_settings& cfg);
};

/// Spawns a connection actor that connects at once (and again after every failure, with
/// exponential backoff). `status` (optional) is kept up to date by the actor.
pg_connection_actor
spawn_pg_connection(caf::actor_system& sys, pg_connection_options opts,
                    std::shared_ptr<const statement_catalog> catalog,
                    std::shared_ptr<io_watcher> watcher,
                    std::shared_ptr<pg_connection_status> status = {});

} // namespace kyb::persistence
