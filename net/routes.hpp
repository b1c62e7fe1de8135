// The API's route table: every endpoint, who may call it, and its handler.
#pragma once

#include "net/router.hpp"

namespace kyb::net {

/// The router with every route of the platform's HTTP API.
router make_api_router();

} // namespace kyb::net
