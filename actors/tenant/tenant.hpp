// Tenants and their API keys as plain data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "runtime/base/std_optional_inspect.hpp"
#include "runtime/base/uuid.hpp"

namespace kyb::actors {

/// What an operator sends to create a tenant.
struct tenant_spec {
  std::string name;
  std::string region; ///< "us" or "eu": where the tenant's data lives
  std::optional<double> rate_limit_per_second;
  std::optional<double> rate_limit_burst;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tenant_spec& x) {
  return f(x.name, x.region, x.rate_limit_per_second, x.rate_limit_burst);
}

struct tenant_record {
  base::uuid id;
  std::string region;
  std::string name;
  std::string kind;                            ///< "customer" or "platform"
  std::optional<double> rate_limit_per_second; ///< nullopt: the configured default
  std::optional<double> rate_limit_burst;
  std::string created_at;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tenant_record& x) {
  return f(x.id, x.region, x.name, x.kind, x.rate_limit_per_second, x.rate_limit_burst,
           x.created_at);
}

struct api_key_info {
  base::uuid id;
  base::uuid tenant_id;
  std::string name;
  uint8_t scopes = 0;
  std::string created_at;
  std::optional<std::string> revoked_at;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, api_key_info& x) {
  return f(x.id, x.tenant_id, x.name, x.scopes, x.created_at, x.revoked_at);
}

/// A newly made key: the only time its text exists outside its owner's hands.
struct issued_api_key {
  api_key_info info;
  std::string key;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, issued_api_key& x) {
  return f(x.info, x.key);
}

} // namespace kyb::actors
