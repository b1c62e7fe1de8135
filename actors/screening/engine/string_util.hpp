// Small string helpers shared by the list loaders. The ASCII basics (trim, iequals,
// istarts_with, to_lower_ascii) are the ones in runtime/base/text.hpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "runtime/base/text.hpp"

namespace kyb::screening {

using base::iequals;
using base::istarts_with;
using base::to_lower_ascii;
using base::trim;

/// Splits on `sep`, trimming each part and dropping empty parts.
std::vector<std::string> split_trimmed(std::string_view s, std::string_view sep);

/// Parses a non-negative decimal integer that fits in 64 bits; false otherwise.
bool parse_uint(std::string_view s, unsigned long long& out) noexcept;

} // namespace kyb::screening
