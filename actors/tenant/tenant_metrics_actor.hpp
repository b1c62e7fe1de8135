// The tenants' business metrics, read from this region's database every
// metrics.business_refresh by three bounded queries (one pass over the tenants each;
// never at scrape time, never on a request's path):
//   kyb_monthly_recurring_revenue_dollars{plan_type}  active plans' monthly prices
//   kyb_customer_churn_rate_ratio                      30-day cohort churn
//   kyb_active_tenants_total                           tenants with a request in 24 h
// Every node computes the whole platform's figures from the database its nodes share
// (api_usage holds every node's requests), so Prometheus aggregates them with max.
// Until the first read succeeds the families have no series; a failed read keeps the
// last values.
#pragma once

#include <caf/typed_actor.hpp>

#include "actors/messages.hpp"
#include "actors/platform.hpp"

namespace kyb::actors {

using tenant_metrics_actor = caf::typed_actor<
    /// The refresh timer (it sends itself the next one).
    caf::reacts_to<tick_atom>>;

tenant_metrics_actor spawn_tenant_metrics_actor(caf::actor_system& sys, platform_ptr p);

} // namespace kyb::actors
