// The Remarks field of OFAC's legacy CSV files carries the structured data the legacy
// format has no columns for: "DOB 12 Mar 1965; POB Baghdad; nationality Iraq;
// Passport A123 (Iraq); a.k.a. 'ABU ALI'." This turns it into entity fields.
#pragma once

#include <string_view>

#include "actors/screening/engine/entity.hpp"

namespace kyb::screening {

/// Adds what `remarks` says to `e`: dates of birth, nationality and citizenship
/// countries, identifiers (passports, tax and registration numbers, IMO...), and the
/// weak aliases OFAC lists in remarks ("a.k.a.", "f.k.a.", "n.k.a." in quotes).
void apply_ofac_remarks(std::string_view remarks, sanctioned_entity& e);

} // namespace kyb::screening
