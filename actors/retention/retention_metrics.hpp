// The retention service's metrics, all of them here (one place to adapt when the
// registry changes):
//   kyb_retention_runs_total{outcome}             ok, failed, skipped
//   kyb_retention_last_success_timestamp_seconds{region}
//                                                 end of the last run without a
//                                                 failure on this node (0 before one)
//   kyb_retention_partitions_total{action}        created, exported, detached, dropped
//   kyb_retention_audit_rows_exported_total
//   kyb_retention_usage_rows_deleted_total
//   kyb_retention_failures_total{step}            lock, partitions, export, detach, usage
//   kyb_retention_last_run_duration_seconds
#pragma once

#include <string>

namespace kyb::actors {

struct retention_report;

/// Makes the series that must exist before the first run (the success timestamp at 0,
/// so an alert sees a region that never succeeds).
void retention_metrics_init(const std::string& region);

/// Records one run.
void retention_metrics_record(const retention_report& r, const std::string& region,
                              double unix_seconds_now);

} // namespace kyb::actors
