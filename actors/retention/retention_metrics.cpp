#include "actors/retention/retention_metrics.hpp"

#include "actors/retention/retention_actor.hpp"
#include "runtime/base/metrics.hpp"

namespace kyb::actors {

namespace {

struct retention_families {
  base::counter_family& runs = base::metrics_registry::global().counter(
      "kyb_retention_runs_total",
      "Retention runs by outcome: ok, failed (a step failed), skipped (another node "
      "holds the database's retention lock)",
      {"outcome"});
  base::gauge_family& last_success = base::metrics_registry::global().gauge(
      "kyb_retention_last_success_timestamp_seconds",
      "Unix time at which this node last finished a retention run without a failure (0 "
      "before one)",
      {"region"});
  base::counter_family& partitions = base::metrics_registry::global().counter(
      "kyb_retention_partitions_total",
      "Monthly audit_logs partitions by retention action: created (ahead), exported, "
      "detached, dropped",
      {"action"});
  base::counter_family& rows_exported = base::metrics_registry::global().counter(
      "kyb_retention_audit_rows_exported_total",
      "Audit rows written to retention export files");
  base::counter_family& usage_deleted = base::metrics_registry::global().counter(
      "kyb_retention_usage_rows_deleted_total",
      "api_usage rows deleted past usage.retention");
  base::counter_family& failures = base::metrics_registry::global().counter(
      "kyb_retention_failures_total",
      "Retention steps that failed: lock, partitions, export, detach, usage", {"step"});
  base::gauge_family& duration = base::metrics_registry::global().gauge(
      "kyb_retention_last_run_duration_seconds",
      "How long this node's last retention run took");
};

retention_families& families() {
  static retention_families f;
  return f;
}

} // namespace

void retention_metrics_init(const std::string& region) {
  auto& f = families();
  f.last_success.with({region});
  for (auto* outcome : {"ok", "failed", "skipped"})
    f.runs.with({outcome});
  for (auto* action : {"created", "exported", "detached", "dropped"})
    f.partitions.with({action});
  for (auto* step : {"lock", "partitions", "export", "detach", "usage"})
    f.failures.with({step});
  f.rows_exported.with({});
  f.usage_deleted.with({});
  f.duration.with({});
}

void retention_metrics_record(const retention_report& r, const std::string& region,
                              double unix_seconds_now) {
  auto& f = families();
  for (auto& failure : r.failures)
    f.failures.with({failure.step}).Increment();
  if (!r.ran && r.failures.empty()) {
    f.runs.with({"skipped"}).Increment();
    return;
  }
  f.runs.with({r.failures.empty() ? "ok" : "failed"}).Increment();
  f.duration.with({}).Set(r.ms / 1000.0);
  f.partitions.with({"created"}).Increment(static_cast<double>(r.partitions_created));
  for (auto& e : r.exports) {
    f.partitions.with({"exported"}).Increment();
    f.rows_exported.with({}).Increment(static_cast<double>(e.rows));
    if (e.detached)
      f.partitions.with({"detached"}).Increment();
    if (e.dropped)
      f.partitions.with({"dropped"}).Increment();
  }
  f.usage_deleted.with({}).Increment(static_cast<double>(r.usage_rows_deleted));
  if (r.failures.empty())
    f.last_success.with({region}).Set(unix_seconds_now);
}

} // namespace kyb::actors
