// Country names and codes as lists and queries write them, resolved to ISO 3166-1
// alpha-2 codes through a generated table (see actors/screening/LIST_FORMATS.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kyb::screening {

/// Resolves country names and codes.
class country_table {
public:
  /// The ISO alpha-2 code for a name ("Iran", "Korea, North", "Russian Federation"),
  /// an alpha-2 or alpha-3 code (any case), or nullopt when unknown.
  static std::optional<std::string> code_of(std::string_view name_or_code);
};

} // namespace kyb::screening
