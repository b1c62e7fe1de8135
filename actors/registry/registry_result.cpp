#include "actors/registry/registry_result.hpp"

namespace kyb::registry {

const char* to_string(registry_kind k) noexcept {
  switch (k) {
  case registry_kind::gleif:
    return "gleif";
  case registry_kind::companies_house:
    return "companies_house";
  case registry_kind::sec_edgar:
    return "sec_edgar";
  case registry_kind::opencorporates:
    return "opencorporates";
  }
  return "unknown";
}

std::optional<registry_kind> parse_registry_kind(std::string_view text) noexcept {
  for (auto k : {registry_kind::gleif, registry_kind::companies_house,
                 registry_kind::sec_edgar, registry_kind::opencorporates})
    if (text == to_string(k))
      return k;
  return std::nullopt;
}

const char* to_string(company_status s) noexcept {
  switch (s) {
  case company_status::active:
    return "active";
  case company_status::inactive:
    return "inactive";
  case company_status::dissolved:
    return "dissolved";
  case company_status::unknown:
    return "unknown";
  }
  return "unknown";
}

const char* to_string(lookup_error_code c) noexcept {
  switch (c) {
  case lookup_error_code::not_found:
    return "not_found";
  case lookup_error_code::gone:
    return "gone";
  case lookup_error_code::rate_limited:
    return "rate_limited";
  case lookup_error_code::unauthorized:
    return "unauthorized";
  case lookup_error_code::upstream_error:
    return "upstream_error";
  case lookup_error_code::malformed_response:
    return "malformed_response";
  case lookup_error_code::bad_input:
    return "bad_input";
  case lookup_error_code::not_configured:
    return "not_configured";
  }
  return "upstream_error";
}

bool registry_address::empty() const noexcept {
  return lines.empty() && city.empty() && region.empty() && postal_code.empty() &&
         country.empty();
}

std::string lookup_error::to_string() const {
  return std::string(registry::to_string(registry)) + ": " + registry::to_string(code) +
         ": " + message;
}

} // namespace kyb::registry
