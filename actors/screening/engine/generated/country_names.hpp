// Declarations of the generated country-name table (country_names.cpp beside this
// file, written by the gen_country_names tool; see actors/screening/LIST_FORMATS.md).
#pragma once

#include <cstddef>

namespace kyb::screening::generated {

/// One normalised country name or code and its ISO 3166-1 alpha-2 code.
struct country_name {
  const char* name;
  const char* code;
};

/// Sorted by name, unique names.
extern const country_name country_names[];

/// Number of entries in country_names.
extern const size_t country_name_count;

} // namespace kyb::screening::generated
