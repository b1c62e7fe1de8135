// Dates of birth as sanctions lists write them: "1965-03-12", "12 Mar 1965",
// "Mar 1965", "circa 1960", "1958 to 1960", "between 1958 and 1960".
#pragma once

#include <optional>
#include <string_view>

#include "actors/screening/engine/entity.hpp"

namespace kyb::screening {

/// Parses one date-of-birth text; nullopt when it is not a date this understands
/// (ambiguous numeric forms such as "03/04/1965" are refused, not guessed).
std::optional<date_of_birth> parse_list_date(std::string_view text);

} // namespace kyb::screening
