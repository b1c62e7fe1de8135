// Small string helpers shared by the list loaders.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kyb::screening {

/// `s` without leading and trailing blanks (space, tab, CR, LF).
std::string_view trim(std::string_view s) noexcept;

/// Splits on `sep`, trimming each part and dropping empty parts.
std::vector<std::string> split_trimmed(std::string_view s, std::string_view sep);

/// ASCII case-insensitive comparison.
bool iequals(std::string_view a, std::string_view b) noexcept;

/// ASCII case-insensitive prefix test.
bool istarts_with(std::string_view s, std::string_view prefix) noexcept;

/// Lower-cases ASCII letters.
std::string to_lower_ascii(std::string_view s);

/// Parses a non-negative decimal integer that fits in 64 bits; false otherwise.
bool parse_uint(std::string_view s, unsigned long long& out) noexcept;

} // namespace kyb::screening
