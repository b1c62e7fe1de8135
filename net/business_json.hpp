// JSON shapes of businesses on the wire: request bodies in, representations out.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/business/business.hpp"
#include "actors/business/business_validation.hpp"

namespace kyb::net {

/// The text fields of a create/update body, and the keys of its `address` object (the
/// body also takes `address` and `owners`). The CSV import's columns derive from these.
const std::vector<std::string>& business_text_fields();
const std::vector<std::string>& address_fields();

/// Reads a create/update body. Type problems (a number where text belongs, an unknown
/// field) are returned with their field; value checks are validate_business_input's.
std::vector<actors::field_error> business_input_from_json(const nlohmann::json& body,
                                                          actors::business_input& out);

/// The representation of a business, as the business actor masked it.
nlohmann::json business_to_json(const actors::business_record& rec);

/// The serialized representation of a view, rendered once per view and then shared.
const std::string& rendered_json(const actors::business_view& view);

nlohmann::json business_summary_to_json(const actors::business_summary& s);

} // namespace kyb::net
