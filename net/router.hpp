// Maps a method and a path to a route: its template (the `endpoint` label of metrics and
// usage), who may call it, and its handler. Literal segments win over parameters, so
// /v1/businesses/search is not taken for /v1/businesses/{id}.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kyb::net {

struct exchange;

/// Handlers run on the broker that received the request and answer through the exchange.
using handler_fn = void (*)(const std::shared_ptr<exchange>& ex);

enum class auth_kind : uint8_t {
  none,      ///< public (health, openapi; the metrics listener's routes)
  tenant,    ///< a tenant's API key with `scope`
  operator_, ///< a platform-operator key
  any_key, ///< any valid key; the actor that serves the request decides (key management)
  optional_key ///< public, but a key, when sent, must be valid and the handler sees who
               ///< called (readiness details for operator keys)
};

struct route {
  std::string method;  ///< "GET", "POST", ...
  std::string pattern; ///< "/v1/businesses/{id}"
  std::string name;    ///< operationId in the OpenAPI document
  auth_kind auth = auth_kind::none;
  uint8_t scope = 0; ///< actors::scope bits required for auth_kind::tenant
  handler_fn handler = nullptr;
  std::vector<std::string> segments; ///< filled by router::add
  /// The body streams to the handler as it arrives (http_codec::stream_bodies) instead
  /// of being buffered; the handler installs a body_stream (net/http_broker.hpp).
  bool streams = false;
  /// Regions (regions/routing): "" when only the tenant's write region may serve it;
  /// a table group ("businesses", "audit_logs") when a replica of that group within
  /// its lag SLA may serve it too; "*" when any region may (no tenant rows touched);
  /// "handler" when the handler decides (routes addressing a tenant by its id).
  std::string replica_group = {};
};

struct route_match {
  enum class outcome {
    found,
    not_found,
    method_not_allowed,
    bad_path
  } result = outcome::not_found;
  const route* matched = nullptr;
  std::map<std::string, std::string> params;
  std::string allow; ///< for method_not_allowed: "GET, HEAD, PATCH"
};

class router {
public:
  void add(route r);
  /// Marks the route (method, pattern) as servable by replicas of `group` (see
  /// route::replica_group); throws std::logic_error when there is no such route.
  void set_replica_group(std::string_view method, std::string_view pattern,
                         std::string group);
  /// HEAD matches GET routes. Path parameters are percent-decoded.
  route_match match(std::string_view method, std::string_view path) const;
  /// True when (method, path) is a route whose body streams. Checks only those routes:
  /// the codec asks it for every request.
  bool streams(std::string_view method, std::string_view path) const;
  const std::vector<route>& routes() const noexcept { return routes_; }

private:
  std::vector<route> routes_;
};

/// Decodes %XX escapes; returns false for a malformed escape, a decoded NUL, or (unless
/// `allow_slash`, as in query strings) a decoded '/'.
bool percent_decode(std::string_view in, std::string& out, bool allow_slash = false);

} // namespace kyb::net
