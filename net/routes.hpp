// The route tables: every endpoint of the API, who may call it, and its handler; and the
// metrics listener's.
#pragma once

#include "net/router.hpp"

namespace kyb::net {

/// The router with every route of the platform's HTTP API.
router make_api_router();

/// The routes of the metrics listener (metrics.listen): /metrics and /metrics/business,
/// which the API port does not serve.
router make_metrics_router();

} // namespace kyb::net
