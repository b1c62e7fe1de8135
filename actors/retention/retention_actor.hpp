// The retention service: one per node, a detached actor with a blocking PostgreSQL
// session of its own (a run reads whole months and writes files: never on the
// scheduler). Every retention.interval (first 30 s after start), on
// POST /v1/admin/retention/run, it:
//   1. takes a session advisory lock on the database, so that one node at a time runs
//      retention there (the others report "skipped"; the lock goes with the session if
//      the node dies);
//   2. makes the monthly audit_logs partitions of this month and audit.partitions_ahead
//      after it (kyb_ensure_audit_partitions);
//   3. for each attached month past audit.retention, oldest first: exports its rows to
//      retention.export_dir/audit_logs_YYYY_MM.ndjson (every column, one JSON object a
//      line, in chain order per tenant; written to a temporary file, fsynced, renamed,
//      read back against its SHA-256, which goes beside it in a .sha256 file), after
//      checking each tenant's chain in it with the node's audit keys; then, in one
//      transaction, detaches it through kyb_audit_retire_partition (migration 0014:
//      it checks the row count against the export and that the month is a chain
//      prefix) and writes an `audit.partition_retired` row in the platform's audit
//      chain. A failed export leaves the month attached, and the later months wait;
//   4. deletes api_usage rows older than usage.retention in batches of
//      retention.batch_size, each its own short transaction.
// Metrics: actors/retention/retention_metrics.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor_system_config.hpp>
#include <caf/typed_actor.hpp>

#include "actors/messages.hpp"
#include "actors/platform.hpp"

namespace kyb::actors {

using retention_atom = caf::atom_constant<caf::atom("retention")>;

/// One month exported (and, unless its detach failed, detached).
struct retention_export {
  std::string partition;
  int64_t rows = 0;
  int64_t tenants = 0;
  std::string file;
  std::string sha256;
  bool detached = false;
  bool dropped = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, retention_export& x) {
  return f(x.partition, x.rows, x.tenants, x.file, x.sha256, x.detached, x.dropped);
}

/// A step that failed: "lock", "partitions", "export", "detach" or "usage".
struct retention_failure {
  std::string step;
  std::string partition; ///< the month concerned, if any
  std::string detail;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, retention_failure& x) {
  return f(x.step, x.partition, x.detail);
}

/// What one run did.
struct retention_report {
  std::string trigger; ///< "start", "schedule", "manual"
  bool ran = false;    ///< false: skipped (see `skipped`)
  std::string skipped;
  std::vector<std::string> partitions_ensured; ///< "2026-05", ...
  int64_t partitions_created = 0;
  std::string audit_cutoff; ///< the oldest month kept, "2019-05"
  std::vector<retention_export> exports;
  std::string usage_cutoff; ///< rows created before this instant were deleted
  int64_t usage_rows_deleted = 0;
  int64_t usage_batches = 0;
  std::vector<retention_failure> failures;
  double ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, retention_report& x) {
  return f(x.trigger, x.ran, x.skipped, x.partitions_ensured, x.partitions_created,
           x.audit_cutoff, x.exports, x.usage_cutoff, x.usage_rows_deleted,
           x.usage_batches, x.failures, x.ms);
}

using retention_actor = caf::typed_actor<
    /// Runs retention now (trigger: "manual", ...) and answers what it did.
    caf::replies_to<retention_atom, std::string>::with<retention_report>,
    /// The interval's timer (internal).
    caf::reacts_to<tick_atom>>;

/// Spawns the node's retention service (detached); with retention.enabled it arms its
/// timer (manual runs work either way).
retention_actor spawn_retention_actor(caf::actor_system& sys, platform_ptr p);

void register_retention_types(caf::actor_system_config& cfg);

} // namespace kyb::actors
