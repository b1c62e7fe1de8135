#include "actors/tenant/tenant_metrics_actor.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/db.hpp"
#include "actors/row_columns.hpp"
#include "actors/tenant/tenant.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"

namespace kyb::actors {

namespace {

namespace q = persistence::q;

struct tenant_metrics {
  base::gauge_family* mrr;
  base::gauge_family* churn;
  base::gauge_family* active;
};

tenant_metrics make_metrics() {
  auto& reg = base::metrics_registry::global();
  return {
      &reg.gauge("kyb_monthly_recurring_revenue_dollars",
                 "Monthly recurring revenue in USD: the sum of the monthly prices of "
                 "the tenants' active plans, per plan type (every node reports the "
                 "whole figure: aggregate with max, not sum)",
                 {"plan_type"}),
      &reg.gauge("kyb_customer_churn_rate_ratio",
                 "Monthly customer churn rate: of the tenants whose plan was active 30 "
                 "days ago, the fraction whose plan has been cancelled since (0 when "
                 "no plan was active 30 days ago)"),
      // The published name ends in _total; the value is no counter (untyped).
      &reg.untyped("kyb_active_tenants_total",
                   "Active tenants: customer tenants with at least one authenticated "
                   "API request in the last 24 h, from the API usage every node "
                   "records (written every api.usage_flush_interval)")};
}

struct tenant_metrics_state {
  static inline const char* name = "kyb.tenant_metrics";
  platform_ptr p;
  tenant_metrics metrics = make_metrics();
  bool reading = false;
};

using self_ptr = tenant_metrics_actor::stateful_pointer<tenant_metrics_state>;

double number(const std::string& text) {
  return text.empty() ? 0.0 : std::stod(text);
}

void publish(tenant_metrics& m, std::vector<pg_rows>& res) {
  // Every plan type has a series (0 without active plans): a sum over plan types
  // stays defined when the last plan of a type goes.
  row_columns c(res.at(0));
  for (auto type : plan_types) {
    double sum = 0;
    for (auto& row : res.at(0).rows)
      if (col(row, c["plan_type"]) == type)
        sum = number(col(row, c["mrr"]));
    m.mrr->with({type}).Set(sum);
  }
  row_columns churn_columns(res.at(1));
  auto& churn = res.at(1).rows.at(0);
  auto churned = number(col(churn, churn_columns["churned"]));
  auto base = number(col(churn, churn_columns["base"]));
  m.churn->with({}).Set(base > 0 ? churned / base : 0.0);
  m.active->with({}).Set(
      number(col(res.at(2).rows.at(0), row_columns(res.at(2))["active"])));
}

void refresh(self_ptr self) {
  auto& st = self->state;
  if (st.reading)
    return;
  st.reading = true;
  pg_batch batch;
  add(batch, q::tenant_mrr, {});
  add(batch, q::tenant_churn, {});
  add(batch, q::tenant_active_count, {});
  run_batch(
      self, *st.p, std::move(batch),
      [self](std::vector<pg_rows>& res) {
        self->state.reading = false;
        publish(self->state.metrics, res);
      },
      [self](caf::error& err) {
        self->state.reading = false;
        base::log_warn("tenant_metrics.refresh_failed", {{"error", detail_of(err)}});
      });
}

} // namespace

tenant_metrics_actor spawn_tenant_metrics_actor(caf::actor_system& sys, platform_ptr p) {
  return sys.spawn(
      [](self_ptr self, platform_ptr p) -> tenant_metrics_actor::behavior_type {
        self->state.p = p;
        self->send(self, tick_atom::value);
        return {
            [self](tick_atom) {
              self->delayed_send(self, self->state.p->settings.metrics.business_refresh,
                                 tick_atom::value);
              refresh(self);
            },
        };
      },
      p);
}

} // namespace kyb::actors
