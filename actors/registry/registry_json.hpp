// registry_result as JSON (what the lead stores in registry_lookups and answers over
// HTTP), lookup errors as JSON, and the compact summary the risk engine reads.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "actors/registry/registry_result.hpp"
#include "actors/risk/risk_inputs.hpp"

namespace kyb::registry {

/// The whole result. Absent optionals are left out; times are RFC 3339 UTC
/// ("2026-12-06T11:33:52Z"); enums by their to_string() names. People's months of
/// birth show the year only ("1995-**"), as owners' dates of birth do elsewhere,
/// unless `reveal_personal_data` (the caller's reveal, audited by the caller).
nlohmann::json to_json(const registry_result& r, bool reveal_personal_data = false);

/// {"registry", "code", "message", "http_status"?, "retry_after_seconds"?, "url"?}.
nlohmann::json to_json(const lookup_error& e);

/// The risk engine's view of a result. A match below `min_confidence` is not the
/// business: found = false and nothing else is passed on.
risk::registry_input to_risk_input(const registry_result& r, double min_confidence = 0.5);

/// The risk engine's view of a failed lookup: not_found / gone mean the registry has
/// no such company (found = false); any other error says nothing about the company,
/// so nullopt (leave it out of risk_inputs::registry).
std::optional<risk::registry_input> to_risk_input(const lookup_error& e);

} // namespace kyb::registry
