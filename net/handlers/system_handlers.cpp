#include "actors/health/readiness_actor.hpp"
#include "net/handlers/handlers.hpp"
#include "net/handlers/object_body.hpp"
#include "runtime/base/metrics.hpp"

namespace kyb::net::handlers {

namespace {

constexpr const char* prometheus_text = "text/plain; version=0.0.4; charset=utf-8";

/// The families Prometheus's kyb-business job scrapes from /metrics/business: business
/// operations and the platform's health as the business sees it.
const std::vector<std::string> business_metric_prefixes = {
    "kyb_business_",
    "kyb_risk_",
    "kyb_classification_",
    "kyb_active_tenants",
    "kyb_cache_hit_rate",
    "kyb_screening_",
    "kyb_ml_",
    "kyb_monthly_recurring_revenue",
    "kyb_customer_churn"};

} // namespace

void health(const exchange_ptr& ex) {
  ex->reply_json(200, {{"status", "ok"},
                       {"node", ex->settings().node.id},
                       {"region", ex->settings().node.region}});
}

namespace {

/// Answers /ready from the probes and the screening check.
void answer_ready(const exchange_ptr& ex, bool details, actors::readiness& r) {
  bool degraded = false;
  for (auto& c : r.checks)
    degraded = degraded || c.degraded;
  const char* verdict = degraded ? "degraded" : "ready";
  if (!details) {
    if (r.ready)
      ex->reply_json(200, {{"status", verdict}});
    else
      ex->reply_problem(problem_type::unavailable,
                        "not ready (a platform-operator key sees which check fails)",
                        {{"Retry-After", "1"}});
    return;
  }
  nlohmann::json checks = nlohmann::json::array();
  std::string failing;
  for (auto& c : r.checks) {
    nlohmann::json j = {{"name", c.name}, {"ok", c.ok}, {"detail", c.detail}};
    if (c.degraded)
      j["degraded"] = true;
    checks.push_back(std::move(j));
    if (!c.ok)
      failing += (failing.empty() ? "" : "; ") + c.name + ": " + c.detail;
  }
  if (r.ready)
    ex->reply_json(200, {{"status", verdict}, {"checks", checks}});
  else
    ex->reply_problem(problem_type::unavailable, "not ready: " + failing,
                      {{"Retry-After", "1"}}, {{"checks", checks}});
}

} // namespace

void ready(const exchange_ptr& ex) {
  // The checks name hosts, ports and the platform's parts: an operator key sees them;
  // anyone else (a load balancer's probe) gets the verdict alone.
  bool details = ex->who && ex->who->is_operator();
  ex->ask<actors::readiness>(
      ex->services().readiness->get(),
      [ex, details](actors::readiness& r) {
        // Screening adds its own check: serving without some lists is "degraded", never
        // unready (the node's other work goes on).
        auto screening = ex->services().screening->get();
        if (!screening) {
          answer_ready(ex, details, r);
          return;
        }
        ex->self->request(screening, std::chrono::seconds(1), actors::health_atom::value)
            .then(
                [ex, details, r](actors::readiness_check& c) mutable {
                  r.checks.push_back(std::move(c));
                  answer_ready(ex, details, r);
                },
                [ex, details, r](caf::error& err) mutable {
                  r.checks.push_back(
                      {"screening", true, "unknown: " + detail_of(err), true});
                  answer_ready(ex, details, r);
                });
      },
      actors::health_atom::value);
}

void metrics(const exchange_ptr& ex) {
  ex->respond(200, prometheus_text, base::metrics_registry::global().expose());
}

void metrics_business(const exchange_ptr& ex) {
  ex->respond(200, prometheus_text,
              base::metrics_registry::global().expose(business_metric_prefixes));
}

void openapi(const exchange_ptr& ex) {
  ex->respond(200, "application/json", *ex->services().openapi);
}

void warm_caches(const exchange_ptr& ex) {
  if (!ex->req.body.empty() && !ex->json_body())
    return;
  ex->ask<actors::warm_report>(
      ex->services().warmer->get(),
      [ex](actors::warm_report& r) {
        ex->reply_json(200, {{"object", "cache_warm"},
                             {"trigger", r.trigger},
                             {"requested", r.requested},
                             {"warmed", r.warmed},
                             {"classifications", r.classifications},
                             {"ms", r.ms}});
      },
      actors::warm_atom::value, std::string("manual"), std::vector<base::uuid>{});
}

void run_retention(const exchange_ptr& ex) {
  if (!empty_body(ex))
    return;
  ex->ask<actors::retention_report>(
      ex->services().retention->get(),
      [ex](actors::retention_report& r) {
        nlohmann::json exports = nlohmann::json::array();
        for (auto& e : r.exports)
          exports.push_back({{"partition", e.partition},
                             {"rows", e.rows},
                             {"tenants", e.tenants},
                             {"file", e.file},
                             {"sha256", e.sha256},
                             {"detached", e.detached},
                             {"dropped", e.dropped}});
        nlohmann::json failures = nlohmann::json::array();
        for (auto& f : r.failures)
          failures.push_back(
              {{"step", f.step},
               {"partition", f.partition.empty() ? nlohmann::json(nullptr)
                                                 : nlohmann::json(f.partition)},
               {"detail", f.detail}});
        ex->reply_json(200, {{"object", "retention_run"},
                             {"trigger", r.trigger},
                             {"ran", r.ran},
                             {"skipped", r.skipped.empty() ? nlohmann::json(nullptr)
                                                           : nlohmann::json(r.skipped)},
                             {"ok", r.ran && r.failures.empty()},
                             {"partitions_ensured", r.partitions_ensured},
                             {"partitions_created", r.partitions_created},
                             {"audit_cutoff", r.audit_cutoff},
                             {"exports", exports},
                             {"usage_cutoff", r.usage_cutoff},
                             {"usage_rows_deleted", r.usage_rows_deleted},
                             {"usage_batches", r.usage_batches},
                             {"failures", failures},
                             {"ms", r.ms}});
      },
      actors::retention_atom::value, std::string("manual"));
}

} // namespace kyb::net::handlers
