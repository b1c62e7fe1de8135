// What one retention run does, decided from the time and the configuration alone (no
// I/O; the retention actor carries it out): which monthly audit_logs partitions must
// exist (this month and audit.partitions_ahead after it), which attached months lie
// wholly before the retention cutoff and are exported then detached (oldest first: a
// chain is retired from its start), and before which instant api_usage rows go.
//
// Months are calendar months in UTC. With audit.retention = N the cutoff is the first
// day of the current month minus N months: a month is retired once it ends on or before
// it, so N whole months before the current one always stay.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace kyb::actors {

struct year_month {
  int year = 1970;
  int month = 1; ///< 1..12

  friend bool operator==(year_month a, year_month b) {
    return a.year == b.year && a.month == b.month;
  }
  friend bool operator<(year_month a, year_month b) {
    return a.year != b.year ? a.year < b.year : a.month < b.month;
  }
};

/// The UTC month of `t`.
year_month month_of(std::chrono::system_clock::time_point t);
/// `m` moved by `n` months (negative: back).
year_month add_months(year_month m, int n);
/// "2025-03".
std::string to_string(year_month m);
/// "audit_logs_2025_03": the name kyb_ensure_audit_partitions() gives a month.
std::string audit_partition_name(year_month m);
/// The month of a partition named as above; nullopt for any other name
/// (audit_logs_default, a table someone made by hand).
std::optional<year_month> audit_partition_month(const std::string& name);
/// 00:00 UTC on the first day of `m`.
std::chrono::system_clock::time_point month_start(year_month m);
/// `t` moved back `n` calendar months, the day clamped to the target month's length
/// (31 March - 1 month = 28 or 29 February), the time of day kept.
std::chrono::system_clock::time_point
months_before(std::chrono::system_clock::time_point t, int n);

struct retention_policy {
  int audit_retention_months = 84;
  int partitions_ahead = 3;
  int usage_retention_months = 13;
};

struct retention_plan {
  /// This month and the partitions_ahead after it, in order.
  std::vector<year_month> ensure;
  /// Those of `ensure` not among the attached partitions.
  std::vector<year_month> missing;
  /// Attached partitions past the retention, oldest first.
  std::vector<std::string> retire;
  /// The oldest month kept.
  year_month audit_cutoff;
  /// api_usage rows created before this are deleted.
  std::chrono::system_clock::time_point usage_cutoff;
  /// Attached partitions that are not monthly ones (audit_logs_default, ...): kept.
  std::vector<std::string> other_partitions;
};

/// The plan at `now` for the attached partitions of audit_logs named `attached`.
retention_plan plan_retention(std::chrono::system_clock::time_point now,
                              const retention_policy& policy,
                              const std::vector<std::string>& attached);

} // namespace kyb::actors
