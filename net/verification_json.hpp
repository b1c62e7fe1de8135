// The API's JSON of verifications and verification policy versions.
#pragma once

#include <nlohmann/json.hpp>

#include "actors/verification/verification.hpp"

namespace kyb::net {

/// A verification with its steps; a failed step's error as a problem object.
nlohmann::json verification_to_json(const actors::verification_data& v);

/// A policy version: the tenant's document and the policy in effect (it over the
/// shipped defaults).
nlohmann::json verification_policy_to_json(const actors::verification_policy_version& v);

} // namespace kyb::net
