// Applies the versioned SQL migrations at node start, before the node serves: one
// blocking libpq connection (never inside an actor), one transaction per migration, and
// an advisory lock so that nodes starting together migrate once.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "persistence/migration.hpp"

namespace kyb::persistence {

/// Where the migrations stand in one database.
struct migration_status {
  int latest_applied = 0;           ///< Highest applied version; 0 = none.
  int latest_known = 0;             ///< Highest version this binary carries.
  std::vector<int> pending;         ///< Known, not applied.
  std::vector<int> unknown_applied; ///< Applied by a newer binary; not an error.

  /// True when nothing known is left to apply (what /ready checks).
  bool up_to_date() const { return pending.empty(); }
  /// "applied 3 of 3" / "applied 1 of 3; pending 2, 3".
  std::string to_string() const;
};

struct migrator_options {
  std::chrono::milliseconds connect_timeout{5000};
  std::string application_name = "kyb-migrator";
  /// Key of the session advisory lock held while migrating ("kyb_migr" in ASCII).
  int64_t lock_key = 0x6b79625f6d696772;
};

/// Runs migrations against one database.
///
/// Rules: migrations apply in ascending version, each in its own transaction together
/// with its schema_migrations row, so a failed one leaves nothing behind. A file whose
/// first line is `-- kyb:no-transaction` is split by split_sql and run statement by
/// statement in autocommit (for CREATE INDEX CONCURRENTLY); its row is written after the
/// last statement succeeded, so write its statements to be re-runnable (IF NOT EXISTS, or
/// DROP INDEX CONCURRENTLY IF EXISTS before CREATE INDEX CONCURRENTLY). Errors:
/// - an applied migration whose file changed -> errc::conflict naming the file;
/// - a pending migration older than an applied one -> errc::conflict (renumber it);
/// - a failing statement -> errc::db_error naming the file, line, SQLSTATE and message;
/// - no connection -> errc::unavailable.
class migrator {
public:
  explicit migrator(std::string database_url,
                    std::vector<migration> migrations = embedded_migrations(),
                    migrator_options opts = {});

  /// Applies every pending migration. Returns the versions this call applied (empty when
  /// another node already did).
  caf::expected<std::vector<int>> run() const;

  /// Reads schema_migrations (no lock, no changes).
  caf::expected<migration_status> status() const;

  /// The migrations this migrator knows, by version.
  const std::vector<migration>& migrations() const { return migrations_; }

private:
  std::string url_;
  std::vector<migration> migrations_;
  migrator_options opts_;
};

} // namespace kyb::persistence
