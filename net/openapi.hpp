// The OpenAPI 3.1 description of the HTTP API (net/api/openapi.json, embedded at build
// time). A test checks that every route of the router is described in it.
#pragma once

#include <string>

namespace kyb::net {

/// The document served at /openapi.json.
const std::string& openapi_document();

} // namespace kyb::net
