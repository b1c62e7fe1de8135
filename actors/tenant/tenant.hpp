// Tenants and their API keys as plain data.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
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

/// The plans a tenant can buy (migration 0014 checks the same set): self-serve, volume,
/// negotiated contract.
inline constexpr std::array<const char*, 3> plan_types = {"starter", "growth",
                                                          "enterprise"};
/// The largest monthly price a plan may have, in cents (one million dollars).
inline constexpr int64_t max_plan_price_cents = 100'000'000;

/// What an operator sends to set or change a tenant's plan.
struct tenant_plan_spec {
  std::string type;                ///< one of plan_types
  int64_t monthly_price_cents = 0; ///< US dollars per month, in cents
  /// When the subscription began (RFC 3339 UTC, not in the future); nullopt: kept
  /// while the plan is active, else now.
  std::optional<std::string> started_at;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tenant_plan_spec& x) {
  return f(x.type, x.monthly_price_cents, x.started_at);
}

/// A tenant's plan as stored.
struct tenant_plan {
  std::string type;
  int64_t monthly_price_cents = 0;
  std::string status; ///< "active" or "cancelled"
  std::string started_at;
  std::optional<std::string> cancelled_at; ///< set exactly while cancelled
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tenant_plan& x) {
  return f(x.type, x.monthly_price_cents, x.status, x.started_at, x.cancelled_at);
}

/// "1500.05" for 150005 cents (cents >= 0): a price as PostgreSQL's numeric reads it.
inline std::string dollars_text(int64_t cents) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(cents / 100),
                static_cast<long long>(cents % 100));
  return buf;
}

struct tenant_record {
  base::uuid id;
  std::string region;
  std::string name;
  std::string kind;                            ///< "customer" or "platform"
  std::optional<double> rate_limit_per_second; ///< nullopt: the configured default
  std::optional<double> rate_limit_burst;
  std::string created_at;
  std::optional<tenant_plan> plan; ///< nullopt: no plan (none was ever set)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tenant_record& x) {
  return f(x.id, x.region, x.name, x.kind, x.rate_limit_per_second, x.rate_limit_burst,
           x.created_at, x.plan);
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
